from django.urls import path

from analytics import views

app_name = "analytics"
urlpatterns = [
    path("evaluation/", views.dashboard, name="dashboard"),
    path("evaluation/download/<slug:what>.<slug:file_format>", views.export, name="export"),
]
