from django.urls import path

from analytics import views

app_name = "analytics"
urlpatterns = [
    path("evaluation/", views.dashboard, name="dashboard"),
    path("evaluation/download/<slug:what>.<slug:file_format>", views.export, name="export"),
    path("evaluation/prepared/<uuid:job_id>/", views.download_job, name="download-job"),
    path(
        "evaluation/prepared/<uuid:job_id>/file/", views.download_job_file, name="download-job-file"
    ),
]
