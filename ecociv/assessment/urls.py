from django.urls import path

from ecociv.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/<year:year>/", views.detail, name="detail"),
    path("<str:code>/<year:year>/export.xlsx", views.export, name="export"),
    path("<str:code>/<year:year>/facts/", views.facts, name="facts"),
]
