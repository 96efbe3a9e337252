from django.apps import AppConfig


def _redact(response_ids, columns):
    from qualitative.redaction import free_text_redact

    return free_text_redact(response_ids, columns)


def _dashboard_section(runs):
    from qualitative.selectors import dashboard_section

    return dashboard_section(runs)


def _report_section(builder, data):
    from qualitative.report import qualitative_section

    qualitative_section(builder, data)


class QualitativeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "qualitative"

    def ready(self):
        # analytics offers these registrations (it does not import the apps built on it);
        # the functions import their modules on first use, so start-up stays light.
        from analytics import sections

        # Row-level exports carry free text only as evaluators may read it.
        sections.register_free_text_redactor(_redact)
        # The evaluation dashboard's section linking to the qualitative workspace.
        sections.register_dashboard_section(_dashboard_section)
        # The evaluation report's qualitative section (when there are codings).
        sections.register_report_section(_report_section)
