"""Admin wiring: the organisation tree and staff access as snippets (superusers edit them:
the roles carry no permission on these models)."""

from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet, SnippetViewSetGroup

from organisations.forms import OrganisationForm, StaffAccessForm
from organisations.models import Organisation, StaffAccess
from organisations.services import staff_access_remove


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "site"
    menu_label = "Organisations"
    list_display = ["label", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    ordering = ["path"]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("kind"), FieldPanel("parent")],
        base_form_class=OrganisationForm,
    )


class StaffAccessDeleteView(DeleteView):
    """Deleting an entry lifts the limit, through the service, so it is audited."""

    def delete_action(self):
        staff_access_remove(access=self.object, actor=self.request.user)


class StaffAccessViewSet(SnippetViewSet):
    model = StaffAccess
    delete_view_class = StaffAccessDeleteView
    icon = "lock"
    menu_label = "Staff access"
    list_display = ["user", "organisation_names"]
    edit_handler = ObjectList(
        [FieldPanel("user"), FieldPanel("organisations")], base_form_class=StaffAccessForm
    )


class OrganisationsGroup(SnippetViewSetGroup):
    items = (OrganisationViewSet, StaffAccessViewSet)
    menu_icon = "site"
    menu_label = "Organisations"
    menu_order = 230


register_snippet(OrganisationsGroup)
