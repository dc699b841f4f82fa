"""The patient's logs as the clinician sees them: ``config/urls.py`` includes them with
``prescriptions/urls.py`` in the ``prescriptions`` namespace (URL names unchanged)."""

from django.urls import path

from progress import adherence_views as views

urlpatterns = [
    path("<int:pk>/adherence/", views.program_adherence, name="program-adherence"),
    path("<int:pk>/adherence/paper/", views.paper_tracker, name="paper-tracker"),
    path("<int:pk>/attention/seen/", views.attention_seen, name="attention-seen"),
    path("attention/", views.attention_list, name="attention-list"),
]
