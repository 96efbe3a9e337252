"""Django admin: deleting users goes through the same service as everywhere else."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin  # registers User before we replace it
from django.contrib.auth import get_user_model

from accounts.services import account_delete

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    """Research records follow the consent rule and each deletion is audit-logged."""

    def delete_model(self, request, obj):
        account_delete(user=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            account_delete(user=user, actor=request.user)
