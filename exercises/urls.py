from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("pictures/<int:pk>/<str:version>.svg", views.picture_svg, name="picture-svg"),
    path("pictures/<int:pk>/<str:version>/frame-<int:n>.svg", views.picture_frame, name="picture-frame"),
    path("<slug:slug>/", views.exercise_detail, name="exercise-detail"),
]
