from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("data/", views.account_data, name="account_data"),
    path("emails/", views.email_preferences, name="email_preferences"),
    path("delete/", views.account_delete_view, name="account_delete"),
]
