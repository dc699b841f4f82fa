"""The questionnaires answered through the patient's private link: under ``/p/<token>/``, as the link's other pages."""

from django.urls import path

from outcomes import link_views

app_name = "outcomes-link"

urlpatterns = [
    path("<str:token>/questionnaires/<int:measure_pk>/", link_views.link_answer, name="answer"),
]
