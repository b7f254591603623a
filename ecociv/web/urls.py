from django.urls import path

from ecociv.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
