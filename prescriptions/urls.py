from django.urls import path

from prescriptions.clinic_exercises.urls import urlpatterns as exercise_urlpatterns
from prescriptions.views import builder, clearance, downloads, emails, issue, items, links, panel, programs, templates

app_name = "prescriptions"

urlpatterns = [
    path("new/<int:patient_pk>/", programs.program_create, name="program-create"),
    path("templates/", templates.template_list, name="template-list"),
    path("templates/<int:pk>/rename/", templates.template_rename, name="template-rename"),
    path("templates/<int:pk>/delete/", templates.template_delete, name="template-delete"),
    path("templates/starters/copy/", templates.starter_copy, name="starter-copy"),
    path("<int:pk>/", builder.program_builder, name="program-builder"),
    path("<int:pk>/details/", programs.program_update, name="program-update"),
    path("<int:pk>/archive/", programs.program_archive, name="program-archive"),
    path("<int:pk>/save-as-template/", templates.program_save_template, name="program-save-template"),
    path("<int:pk>/items/add/", items.item_add, name="item-add"),
    path("<int:pk>/items/restore/", items.item_restore, name="item-restore"),
    path("<int:pk>/items/reorder/", items.items_reorder, name="items-reorder"),
    path("<int:pk>/items/<int:item_pk>/", items.item_update, name="item-update"),
    path("<int:pk>/items/<int:item_pk>/remove/", items.item_remove, name="item-remove"),
    path("<int:pk>/items/<int:item_pk>/move/", items.item_move, name="item-move"),
    path("<int:pk>/clearance/new/", clearance.clearance_edit, name="clearance-create"),
    path("<int:pk>/clearance/<int:note_pk>/", clearance.clearance_edit, name="clearance-update"),
    path("<int:pk>/clearance/<int:note_pk>/delete/", clearance.clearance_delete, name="clearance-delete"),
    path("<int:pk>/clearance/<int:note_pk>/letter/", clearance.clearance_letter, name="clearance-letter"),
    # The handout: its panel, issuing, downloads, patient links and email.
    path("<int:pk>/handout/", panel.handout_panel, name="handout-panel"),
    path("<int:pk>/handout/pages/", panel.handout_pages, name="handout-pages"),
    path("<int:pk>/handout/issue/", issue.handout_issue, name="handout-issue"),
    path("<int:pk>/handout/issue/status/", issue.handout_issue_status, name="handout-issue-status"),
    path("<int:pk>/handout/preview.pdf", downloads.handout_preview, name="handout-preview"),
    path("<int:pk>/handout/print.pdf", downloads.handout_print, name="handout-print"),
    path("<int:pk>/handout/<int:handout_pk>/download.pdf", downloads.handout_download, name="handout-download"),
    path("<int:pk>/links/new/", links.link_create, name="link-create"),
    path("<int:pk>/links/<int:link_pk>/extend/", links.link_extend, name="link-extend"),
    path("<int:pk>/links/<int:link_pk>/revoke/", links.link_revoke, name="link-revoke"),
    path("<int:pk>/links/<int:link_pk>/replace/", links.link_replace, name="link-replace"),
    path("<int:pk>/emails/new/", emails.delivery_create, name="delivery-create"),
    path("<int:pk>/emails/<int:delivery_pk>/retry/", emails.delivery_retry, name="delivery-retry"),
]

# A clinic's own exercises and each clinician's favourites.
urlpatterns += exercise_urlpatterns
