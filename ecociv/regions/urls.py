from django.urls import path

from ecociv.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_view, name="import"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
]
