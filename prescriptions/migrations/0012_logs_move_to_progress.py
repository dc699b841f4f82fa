# The patient's logs (DayLog, ExerciseLog, AttentionMark) move to the progress app: removed from
# this app's state only. Their tables stay as they are (progress.0001_initial takes them over
# with Meta.db_table); nothing is written to the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('prescriptions', '0011_attention_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ExerciseLog'),
                migrations.DeleteModel(name='DayLog'),
                migrations.DeleteModel(name='AttentionMark'),
            ],
            database_operations=[],
        ),
    ]
