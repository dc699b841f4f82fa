from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("programs/<int:pk>/", views.program_outcomes, name="program-outcomes"),
    path("programs/<int:pk>/measures/", views.measure_create, name="measure-create"),
    path("programs/<int:pk>/measures/<int:measure_pk>/answers/", views.response_enter, name="response-enter"),
    path("programs/<int:pk>/measures/<int:measure_pk>/print/", views.measure_print, name="measure-print"),
    path(
        "programs/<int:pk>/measures/<int:measure_pk>/questionnaire.pdf",
        views.measure_print_pdf,
        name="measure-print-pdf",
    ),
    path("programs/<int:pk>/report.pdf", views.progress_report, name="progress-report"),
]
