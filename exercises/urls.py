from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("", views.CatalogueView.as_view(), name="catalogue"),
    path("pictures/<int:pk>/<str:version>.svg", views.picture_svg, name="picture-svg"),
    path("<slug:slug>/", views.ExerciseDetailView.as_view(), name="exercise-detail"),
]
