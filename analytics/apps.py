from django.apps import AppConfig


def _reliable_change_se() -> float | None:
    # Imported on first use, not at start-up: the snapshot module draws the dashboard's charts
    # with plotly, which a command or worker that only imports or exports never needs.
    from analytics.snapshots import reliable_change_se

    return reliable_change_se()


class AnalyticsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "analytics"

    def ready(self):
        from assessments import selectors as assessments_selectors

        # The trainee's chart (assessments) asks for the reliable-change threshold through
        # this registration: assessments does not import analytics (dependencies point one way).
        assessments_selectors.register_reliable_change_se(_reliable_change_se)
