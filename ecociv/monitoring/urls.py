from django.urls import path

from ecociv.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("samples/<str:name>", views.sample_file, name="sample"),
    path("runs/<int:run_id>/", views.run_page, name="run"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("runs/<int:run_id>/daily.csv", views.daily, name="daily"),
    path("runs/<int:run_id>/errors.csv", views.errors, name="errors"),
    path("runs/<int:run_id>/feed/", views.feed, name="feed"),
    path("runs/<int:run_id>/rerun/", views.rerun_view, name="rerun"),
]
