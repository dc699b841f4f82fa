from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views
from patients.forms import SignInForm
from prescriptions import urls as prescriptions_urls
from prescriptions.public import urls as public_urls
from progress import adherence_urls, log_urls

admin.site.site_header = "HomeRx catalogue administration"
admin.site.site_title = "HomeRx admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("patients/", include("patients.urls")),
    path("catalogue/", include("exercises.urls")),
    # Programs and what came back from the patient (adherence, attention): one namespace.
    path(
        "programs/", include((prescriptions_urls.urlpatterns + adherence_urls.urlpatterns, prescriptions_urls.app_name))
    ),
    # The patient link: its own pages and the patient's log, one namespace ("public").
    path("p/", include((public_urls.urlpatterns + log_urls.urlpatterns, public_urls.app_name))),
    path("p/", include("outcomes.link_urls")),
    path("outcomes/", include("outcomes.urls")),
    path("admin/", admin.site.urls),
]

# What is public by design (clinic logos, the catalogue's pictures), with DEBUG on or off. A clinic's
# own photos, issued PDFs and letters have views that check who asks.
urlpatterns += [path(settings.MEDIA_URL.strip("/") + "/<path:name>", views.public_media, name="public-media")]

handler500 = "config.views.server_error"
