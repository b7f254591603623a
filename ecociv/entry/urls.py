from django.urls import path

from ecociv.entry import views, views_files

app_name = "entry"
urlpatterns = [
    path("", views.index, name="index"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/items/<int:item_id>/", views.item_save, name="item_save"),
    path("tasks/<int:task_id>/items/<int:item_id>/evidence/", views_files.evidence_upload, name="evidence_upload"),
    path("tasks/<int:task_id>/checks/", views.task_checks, name="task_checks"),
    path("tasks/<int:task_id>/submit/", views.task_submit, name="task_submit"),
    path("tasks/<int:task_id>/review/", views.task_review, name="task_review"),
    path("tasks/<int:task_id>/template.xlsx", views_files.template_download, name="template"),
    path("tasks/<int:task_id>/upload/", views_files.task_upload, name="task_upload"),
    path("values/<int:value_id>/history/", views.value_history, name="history"),
    path("evidence/<int:evidence_id>/", views_files.evidence_download, name="evidence"),
    path("evidence/<int:evidence_id>/delete/", views_files.evidence_delete, name="evidence_delete"),
    path("import/", views_files.import_page, name="import"),
    path("import/<int:job_id>/", views_files.import_job, name="import_job"),
    path("import/<int:job_id>/rerun/", views_files.import_rerun, name="import_rerun"),
]
