from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as account_views

urlpatterns = [
    # One login path (allauth, with its rate limits and MFA): the admins' own login and
    # password pages forward to it. These must come before the admin includes.
    path("admin/login/", account_views.admin_login, name="admin_login"),
    path("django-admin/login/", account_views.admin_login),
    path(
        "admin/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password", query_string=False),
    ),
    path(
        "django-admin/password_change/",
        RedirectView.as_view(pattern_name="account_change_password", query_string=False),
    ),
    # Wagtail's front-end login (Django's LoginView) would sign people in with a password
    # alone: no MFA and no rate limit. allauth checks the ?next= it passes on.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailcore_login",
    ),
    path("account/", include("accounts.urls")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("", include("courses.urls")),
    path("", include("assessments.urls")),
    path("", include("analytics.urls")),
    path("", include("qualitative.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# A database that is briefly away answers 503 "try again" (home.errors), anything else 500.
handler500 = "home.errors.server_error"
