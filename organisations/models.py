"""The commissioning organisations (region → ICB → PCN or training hub) and which of them
a member of staff is limited to.

The tree is django-treebeard's materialised path (as Wagtail's pages and collections), so
"this organisation and everything under it" is one ``path__startswith`` condition.
"""

from django.conf import settings
from django.db import models
from treebeard.mp_tree import MP_Node


class Organisation(MP_Node):
    """A region, an integrated care board, or a primary care network or training hub."""

    class Kind(models.TextChoices):
        REGION = "region", "Region"
        ICB = "icb", "Integrated care board"
        PCN = "pcn", "Primary care network"
        TRAINING_HUB = "training_hub", "Training hub"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    node_order_by = ["name"]

    class Meta:
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["region", "icb", "pcn", "training_hub"]),
                name="organisation_kind_known",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The name indented by depth, for choice lists that show the tree."""
        return f"{'— ' * (self.depth - 1)}{self.name}"


class StaffAccess(models.Model):
    """Limits a trainer or evaluator to some organisations and everything under them, as a
    REDCap data access group does. Staff without a row see every organisation; a row with
    no organisations left sees none (removing an organisation never widens anyone's view)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_access"
    )
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="staff_access")

    class Meta:
        verbose_name = "staff organisation access"
        verbose_name_plural = "staff organisation access"

    def __str__(self):
        return f"Access of user #{self.user_id}"

    def organisation_names(self) -> str:
        return ", ".join(org.name for org in self.organisations.order_by("path")) or "None"

    organisation_names.short_description = "Organisations"
