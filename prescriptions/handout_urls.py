"""Handout URLs, included by ``prescriptions/urls.py`` into the ``prescriptions`` namespace."""

from django.urls import path

from prescriptions import handout_views as views

urlpatterns = [
    path("<int:pk>/handout/", views.handout_panel, name="handout-panel"),
    path("<int:pk>/handout/pages/", views.handout_pages, name="handout-pages"),
    path("<int:pk>/handout/issue/", views.handout_issue, name="handout-issue"),
    path("<int:pk>/handout/preview.pdf", views.handout_preview, name="handout-preview"),
    path("<int:pk>/handout/print.pdf", views.handout_print, name="handout-print"),
    path("<int:pk>/handout/<int:handout_pk>/download.pdf", views.handout_download, name="handout-download"),
    path("<int:pk>/links/new/", views.link_create, name="link-create"),
    path("<int:pk>/links/<int:link_pk>/extend/", views.link_extend, name="link-extend"),
    path("<int:pk>/links/<int:link_pk>/revoke/", views.link_revoke, name="link-revoke"),
    path("<int:pk>/links/<int:link_pk>/replace/", views.link_replace, name="link-replace"),
    path("<int:pk>/emails/new/", views.delivery_create, name="delivery-create"),
    path("<int:pk>/emails/<int:delivery_pk>/retry/", views.delivery_retry, name="delivery-retry"),
]
