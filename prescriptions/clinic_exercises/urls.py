"""A clinic's own exercises and favourites, included by ``prescriptions/urls.py`` (``prescriptions`` namespace)."""

from django.urls import path

from prescriptions.clinic_exercises import views

urlpatterns = [
    path("clinic-exercises/", views.clinic_exercise_list, name="clinic-exercise-list"),
    path("clinic-exercises/new/", views.clinic_exercise_create, name="clinic-exercise-create"),
    path("clinic-exercises/export/", views.clinic_exercise_export, name="clinic-exercise-export"),
    path("clinic-exercises/import/", views.clinic_exercise_import, name="clinic-exercise-import"),
    path("clinic-exercises/<int:pk>/", views.clinic_exercise_detail, name="clinic-exercise-detail"),
    path("clinic-exercises/<int:pk>/edit/", views.clinic_exercise_update, name="clinic-exercise-update"),
    path("clinic-exercises/<int:pk>/retire/", views.clinic_exercise_retire, name="clinic-exercise-retire"),
    path("clinic-exercises/<int:pk>/restore/", views.clinic_exercise_restore, name="clinic-exercise-restore"),
    path("clinic-exercises/<int:pk>/delete/", views.clinic_exercise_delete, name="clinic-exercise-delete"),
    path(
        "clinic-exercises/<int:pk>/pictures/<int:picture_pk>/",
        views.clinic_exercise_picture,
        name="clinic-exercise-picture",
    ),
    path("exercises/<int:pk>/favourite/", views.favourite_set, name="favourite-set"),
]
