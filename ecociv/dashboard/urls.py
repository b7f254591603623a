from django.urls import path

from ecociv.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("matrix/<str:code>/<year:year>/", views.matrix, name="matrix"),
    path("matrix/<str:code>/<year:year>/export.xlsx", views.matrix_export, name="matrix_export"),
    path("region/<str:code>/<year:year>/", views.region_page, name="region"),
    path("region/<str:code>/<year:year>/export.xlsx", views.region_export, name="region_export"),
    path("region/<str:code>/<year:year>/indicator/<str:icode>/", views.indicator_page, name="indicator"),
    path("completeness/<str:code>/<year:year>/", views.completeness, name="completeness"),
    path("completeness/<str:code>/<year:year>/export.xlsx", views.completeness_export, name="completeness_export"),
]
