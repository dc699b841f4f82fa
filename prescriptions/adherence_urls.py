"""The patient's logs as the clinician sees them, included by ``prescriptions/urls.py``."""

from django.urls import path

from prescriptions import adherence_views as views

urlpatterns = [
    path("<int:pk>/adherence/", views.program_adherence, name="program-adherence"),
    path("<int:pk>/adherence/paper/", views.paper_tracker, name="paper-tracker"),
    path("<int:pk>/attention/seen/", views.attention_seen, name="attention-seen"),
    path("attention/", views.attention_list, name="attention-list"),
]
