from django.urls import path

from qualitative import views

app_name = "qualitative"
urlpatterns = [
    path("evaluation/qualitative/", views.workspace, name="workspace"),
    path("evaluation/qualitative/codebook/", views.codebook, name="codebook"),
    path("evaluation/qualitative/codebook/codes/<int:code_id>/", views.code_edit, name="code-edit"),
    path("evaluation/qualitative/units/<int:unit_id>/", views.unit_page, name="unit"),
    path("evaluation/qualitative/double-coding/", views.double_coding, name="double-coding"),
    path("evaluation/qualitative/agreement/", views.agreement, name="agreement"),
    path("evaluation/qualitative/interviews/new/", views.interview_upload, name="interview-upload"),
    path("evaluation/qualitative/themes/", views.themes, name="themes"),
]
