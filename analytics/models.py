from django.db import models


class AnalyticsAccess(models.Model):
    """Carries the evaluator permission; no table (analytics reads other apps' data)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_analytics", "Can see the pseudonymised evaluation analytics")]

    def __str__(self):
        return "analytics access"
