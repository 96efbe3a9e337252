from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "analytics"

    def ready(self):
        from analytics.snapshots import snapshot_cache
        from assessments.signals import research_data_changed

        research_data_changed.connect(
            snapshot_cache.invalidate, weak=False, dispatch_uid="analytics-snapshots"
        )
