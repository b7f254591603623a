from django.urls import path

from ecociv.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("rules/download/", views.rules_file, name="rules_file"),
    path("responsibility/<int:pk>/progress/", views.update_progress, name="progress"),
    path("responsibility/<int:pk>/evidence/", views.responsibility_evidence, name="responsibility_evidence"),
    path("letter/<int:pk>/file/", views.letter_file, name="letter_file"),
    path("from-fact/<int:fact_id>/", views.from_fact, name="from_fact"),
    path("template/<str:kind>/", views.template, name="template"),
    path("import/<str:kind>/", views.import_page, name="import"),
    path("<str:code>/<year:year>/", views.overview, name="overview"),
    path("<str:code>/<year:year>/projects/", views.projects, name="projects"),
    path("<str:code>/<year:year>/funds/", views.funds, name="funds"),
    path("<str:code>/<year:year>/activities/", views.activities, name="activities"),
    path("<str:code>/<year:year>/responsibilities/", views.responsibilities, name="responsibilities"),
    path("<str:code>/<year:year>/projects/export/", views.projects, {"export": True}, name="projects_export"),
    path("<str:code>/<year:year>/funds/export/", views.funds, {"export": True}, name="funds_export"),
    path("<str:code>/<year:year>/activities/export/", views.activities, {"export": True}, name="activities_export"),
    path("<str:code>/<year:year>/responsibilities/export/", views.responsibilities, {"export": True},
         name="responsibilities_export"),
    path("<str:code>/<year:year>/ranking/export/", views.ranking_page, {"export": True}, name="ranking_export"),
    path("<str:code>/<year:year>/letters/", views.add_letter, name="add_letter"),
    path("<str:code>/<year:year>/findings/", views.findings, name="findings"),
    path("<str:code>/<year:year>/ranking/", views.ranking_page, name="ranking"),
    path("<str:code>/<year:year>/ranking/publish/", views.publish, name="publish"),
    path("<str:code>/<year:year>/ranking/rules/", views.upload_rules, name="upload_rules"),
]
