from django.urls import path

from prescriptions import views
from prescriptions.clinic_exercises.urls import urlpatterns as exercise_urlpatterns
from prescriptions.handout_urls import urlpatterns as handout_urlpatterns

app_name = "prescriptions"

urlpatterns = [
    path("new/<int:patient_pk>/", views.program_create, name="program-create"),
    path("templates/", views.template_list, name="template-list"),
    path("templates/<int:pk>/rename/", views.template_rename, name="template-rename"),
    path("templates/<int:pk>/delete/", views.template_delete, name="template-delete"),
    path("<int:pk>/", views.program_builder, name="program-builder"),
    path("<int:pk>/details/", views.program_update, name="program-update"),
    path("<int:pk>/archive/", views.program_archive, name="program-archive"),
    path("<int:pk>/save-as-template/", views.program_save_template, name="program-save-template"),
    path("<int:pk>/items/add/", views.item_add, name="item-add"),
    path("<int:pk>/items/restore/", views.item_restore, name="item-restore"),
    path("<int:pk>/items/reorder/", views.items_reorder, name="items-reorder"),
    path("<int:pk>/items/<int:item_pk>/", views.item_update, name="item-update"),
    path("<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="item-remove"),
    path("<int:pk>/items/<int:item_pk>/move/", views.item_move, name="item-move"),
    path("<int:pk>/clearance/new/", views.clearance_edit, name="clearance-create"),
    path("<int:pk>/clearance/<int:note_pk>/", views.clearance_edit, name="clearance-update"),
    path("<int:pk>/clearance/<int:note_pk>/delete/", views.clearance_delete, name="clearance-delete"),
    path("<int:pk>/clearance/<int:note_pk>/letter/", views.clearance_letter, name="clearance-letter"),
]

# Handout issuing, downloads, patient links and email.
urlpatterns += handout_urlpatterns
# A clinic's own exercises and each clinician's favourites.
urlpatterns += exercise_urlpatterns
