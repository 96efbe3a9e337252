"""Admin forms: an organisation with its place in the tree, and a member of staff's access."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.roles import EVALUATOR, TRAINER
from organisations.models import Organisation, StaffAccess
from organisations.services import staff_access_set


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class OrganisationForm(WagtailAdminModelForm):
    """Treebeard nodes are created with ``add_root``/``add_child`` and moved with ``move``,
    never by a plain save, so the parent is a form field rather than a model field."""

    parent = OrganisationChoiceField(
        queryset=Organisation.objects.order_by("path"),
        required=False,
        help_text="Leave blank for a region (the top of the tree).",
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].initial = self.instance.get_parent()
            # A node cannot move under itself or under one of its descendants.
            self.fields["parent"].queryset = Organisation.objects.exclude(
                path__startswith=self.instance.path
            ).order_by("path")

    def save(self, commit=True):
        instance = self.instance
        parent = self.cleaned_data["parent"]
        if instance.pk is None:
            if parent is None:
                return Organisation.add_root(instance=instance)
            return parent.add_child(instance=instance)
        instance.save()
        if parent != instance.get_parent(update=True):
            if parent is None:
                instance.move(Organisation.get_first_root_node(), pos="sorted-sibling")
            else:
                instance.move(parent, pos="sorted-child")
            instance.refresh_from_db()
        return instance


class StaffAccessForm(WagtailAdminModelForm):
    """Saved through ``staff_access_set``, so every change is in the audit log."""

    organisations = OrganisationMultipleChoiceField(
        queryset=Organisation.objects.order_by("path"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The member of staff sees these organisations and everything under them. "
        "None ticked: they see no course run. Delete this entry to let them see all.",
    )

    class Meta:
        model = StaffAccess
        fields = ["user", "organisations"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(Q(groups__name__in=[TRAINER, EVALUATOR]))
            .distinct()
            .order_by("last_name", "first_name", "email")
        )

    def save(self, commit=True):
        return staff_access_set(
            user=self.cleaned_data["user"],
            organisations=self.cleaned_data["organisations"],
            actor=self.for_user,
        )
