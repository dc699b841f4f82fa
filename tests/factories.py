import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from exercises.models import Exercise, ExercisePicture, ExerciseStep, Status
from patients.models import Clinic, Membership, Patient, Role
from prescriptions.models import ClearanceNote, Program, ProgramItem

PASSWORD = "correct-horse-battery-42"


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    phone = "+44 20 7946 0000"
    email = "front-desk@example.org"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)
    role = Role.CLINICIAN


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.SubFactory(ClinicFactory)
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = factory.Sequence(lambda n: f"Ient{n}")
    date_of_birth = datetime.date(1960, 5, 17)
    email = factory.LazyAttribute(lambda p: f"{p.first_name.lower()}@example.org")


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Exercise {n}")
    slug = factory.Sequence(lambda n: f"exercise-{n}")
    summary = "A short summary of the exercise."
    kind = "strengthening"
    position = "supine"
    status = Status.PUBLISHED
    sets = 2
    reps = 10
    days_per_week = 7

    @factory.post_generation
    def steps(obj, create, extracted, **kwargs):
        if not create:
            return
        texts = extracted or ["Lie on your back.", "Lift slowly.", "Lower slowly."]
        ExerciseStep.objects.bulk_create([ExerciseStep(exercise=obj, order=i, text=t) for i, t in enumerate(texts)])


class ExercisePictureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExercisePicture

    exercise = factory.SubFactory(ExerciseFactory)
    alt_text = "Lying on the back with knees bent."
    pose = factory.LazyFunction(lambda: {"base": "supine", "prop": "mat"})


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    patient = factory.SubFactory(PatientFactory)
    clinic = factory.LazyAttribute(lambda p: p.patient.clinic if p.patient else ClinicFactory())
    title = "Low back program"
    goal = "Ease low back pain and return to walking"
    # The Monday at least a week before the test's today: the program is always running, today is
    # always in its second week and its tracker columns always start on a Monday, on any day.
    start_date = factory.LazyFunction(lambda: monday_of(timezone.localdate() - datetime.timedelta(days=7)))
    duration_weeks = 6
    general_instructions = "Warm up with a 5-minute walk."


class ProgramItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramItem

    program = factory.SubFactory(ProgramFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    order = factory.Sequence(lambda n: n)
    sets = 3
    reps = 10
    hold_seconds = 5
    side = "each"
    times_per_day = 2
    days_per_week = 5


class ClearanceNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClearanceNote

    program = factory.SubFactory(ProgramFactory)
    cleared_by_name = "Dr A. Smith"
    cleared_by_role = "Orthopaedic surgeon"
    cleared_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=8))
    scope = "Graded return to exercise after lumbar discectomy"
    restrictions = "No lifting over 5 kg for 6 weeks"
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=84))
