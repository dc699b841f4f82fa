from django.urls import path

from patients import clinic_views, views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="patient-list"),
    path("new/", views.patient_create, name="patient-create"),
    path("<int:pk>/", views.patient_detail, name="patient-detail"),
    path("<int:pk>/edit/", views.patient_update, name="patient-update"),
    path("<int:pk>/archive/", views.patient_archive, name="patient-archive"),
    path("switch-clinic/", views.clinic_switch, name="clinic-switch"),
    path("language/", views.interface_language, name="interface-language"),
    # Clinic administration (clinic admins only).
    path("clinic/", clinic_views.clinic_settings, name="clinic-settings"),
    path("clinic/members/", clinic_views.member_list, name="clinic-members"),
    path("clinic/members/invite/", clinic_views.member_invite, name="member-invite"),
    path("clinic/members/<int:pk>/", clinic_views.member_update, name="member-update"),
    path("clinic/members/<int:pk>/unlock/", clinic_views.member_unlock, name="member-unlock"),
    path("clinic/invitations/withdraw/", clinic_views.invitation_revoke, name="invitation-revoke"),
    path("clinic/audit/", clinic_views.audit_log, name="audit-log"),
    path("clinic/audit/export.csv", clinic_views.audit_export, name="audit-export"),
    # Public: the invitation link is the credential.
    path("invitations/<str:token>/", clinic_views.invitation_accept, name="invitation-accept"),
]
