from django.urls import path

from ecociv.standards import views

app_name = "standards"
urlpatterns = [
    path("", views.index, name="index"),
    path("targets/<str:code>/<year:year>/", views.region_targets, name="region_targets"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/<str:icode>/edit/", views.edit_indicator, name="edit"),
]
