from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"

    def ready(self):
        from assessments.services import certificate_ready_after_attendance
        from courses.signals import attendance_added

        attendance_added.connect(
            certificate_ready_after_attendance, dispatch_uid="assessments-certificate-ready"
        )
