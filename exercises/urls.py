from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("pictures/<int:pk>/<str:version>.svg", views.picture_svg, name="picture-svg"),
    path("<slug:slug>/", views.exercise_detail, name="exercise-detail"),
]
