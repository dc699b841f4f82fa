from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("", views.PatientListView.as_view(), name="patient-list"),
    path("new/", views.PatientCreateView.as_view(), name="patient-create"),
    path("<int:pk>/", views.PatientDetailView.as_view(), name="patient-detail"),
    path("<int:pk>/edit/", views.PatientUpdateView.as_view(), name="patient-update"),
    path("<int:pk>/archive/", views.patient_archive, name="patient-archive"),
    path("switch-clinic/", views.clinic_switch, name="clinic-switch"),
]
