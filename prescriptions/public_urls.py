"""The patient's private link (no account): ``/p/<token>/`` and its PDF."""

from django.urls import path

from prescriptions import public_views

app_name = "public"

urlpatterns = [
    path("<str:token>/", public_views.handout_page, name="handout"),
    path("<str:token>/handout.pdf", public_views.handout_pdf, name="handout-pdf"),
]
