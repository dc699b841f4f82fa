from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from config import views

admin.site.site_header = "HomeRx catalogue administration"
admin.site.site_title = "HomeRx admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("patients/", include("patients.urls")),
    path("catalogue/", include("exercises.urls")),
    path("programs/", include("prescriptions.urls")),
    path("p/", include("prescriptions.public_urls")),
    path("outcomes/", include("outcomes.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # Public media only (logos, uploaded exercise pictures). Private files have their own views.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "config.views.server_error"
