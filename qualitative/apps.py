from django.apps import AppConfig


class QualitativeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "qualitative"

    def ready(self):
        from analytics import sections
        from analytics import selectors as analytics_selectors
        from qualitative.redaction import free_text_redact
        from qualitative.report import qualitative_section
        from qualitative.selectors import dashboard_section

        # Row-level exports (analytics) carry free text only as evaluators may see it; the
        # redaction lives here, so analytics asks for it through this registration.
        analytics_selectors.register_free_text_redactor(free_text_redact)
        # The evaluation dashboard links to the qualitative workspace through this one.
        sections.register_dashboard_section(dashboard_section)
        # The evaluation report gains a qualitative section when there are codings.
        sections.register_report_section(qualitative_section)
