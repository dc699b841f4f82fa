"""The patient's private link (no account): ``/p/<token>/``, its PDF and pictures.

``config/urls.py`` includes these with the link's other pages (``log_urls.py``: "Today" and the
calendar reminder) under one namespace, ``public``, so this package knows nothing of the apps
that answer through the link.
"""

from django.urls import path

from prescriptions.public import views

app_name = "public"

urlpatterns = [
    path("<str:token>/", views.handout_page, name="handout"),
    path("<str:token>/handout.pdf", views.handout_pdf, name="handout-pdf"),
    path("<str:token>/sw.js", views.service_worker, name="service-worker"),
    path("<str:token>/pictures/<path:name>", views.handout_picture, name="picture"),
]
