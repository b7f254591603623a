from django.urls import path

from ecociv.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("jobs/<int:job_id>/", views.job, name="job"),
    path("jobs/<int:job_id>/download/", views.download, name="download"),
    path("batch-count/", views.batch_count, name="batch_count"),
    path("templates/", views.templates, name="templates"),
    path("templates/<str:kind>/activate/", views.template_activate, name="template_activate"),
    path("templates/<str:kind>/download/", views.template_download, name="template_download"),
    path("templates/<str:kind>/<int:template_id>/download/", views.template_download, name="template_version"),
]
