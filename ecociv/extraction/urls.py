from django.urls import path

from ecociv.extraction import views

app_name = "extraction"
urlpatterns = [
    path("", views.index, name="index"),
    path("documents/<int:doc_id>/", views.document, name="document"),
    path("documents/<int:doc_id>/status/", views.document_status, name="status"),
    path("documents/<int:doc_id>/file/", views.document_file, name="file"),
    path("facts/<int:fact_id>/accept/", views.fact_accept, name="accept"),
    path("facts/<int:fact_id>/reject/", views.fact_reject, name="reject"),
    path("facts/<int:fact_id>/reopen/", views.fact_reopen, name="reopen"),
]
