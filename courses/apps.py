from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"

    def ready(self):
        from wagtail.documents.models import AbstractDocument
        from wagtail.models import Page, Site
        from wagtail.permissions import register_permission_policy
        from wagtail.signals import page_published, post_page_move

        from courses.content_cache import course_content
        from courses.models import Enrolment, Footstep
        from courses.permission_policy import OrganisationPagePermissionPolicy
        from courses.signals import audit_attendance_leaving_with_enrolment, course_page_published

        # Before any admin view asks the registry (it refuses a policy registered later).
        register_permission_policy(Page, OrganisationPagePermissionPolicy(Page))

        # Module bodies show documents' titles, sizes and links, so documents count too;
        # sites, because the request's site comes from here (courses.middleware).
        def on_model_change(sender, **kwargs):
            if issubclass(sender, Page | Site | Footstep | AbstractDocument):
                course_content.invalidate()

        post_save.connect(on_model_change, weak=False, dispatch_uid="courses-content-saved")
        post_delete.connect(on_model_change, weak=False, dispatch_uid="courses-content-deleted")
        pre_delete.connect(
            audit_attendance_leaving_with_enrolment,
            sender=Enrolment,
            dispatch_uid="courses-attendance-deleted-with-enrolment",
        )
        page_published.connect(course_page_published, dispatch_uid="courses-page-published")
        post_page_move.connect(
            course_content.invalidate, weak=False, dispatch_uid="courses-content-moved"
        )
