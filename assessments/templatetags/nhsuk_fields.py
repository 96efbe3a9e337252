"""A form field's control with the NHS.UK design system's classes (nhsuk-frontend)."""

from django import forms, template

register = template.Library()

CONTROL_CLASSES = (
    (forms.Select, "nhsuk-select"),
    (forms.Textarea, "nhsuk-textarea"),
    (forms.widgets.Input, "nhsuk-input"),
)


@register.simple_tag
def nhsuk_control(field, extra_class: str = ""):
    """The field's widget with its nhsuk class (and the error variant when it has errors),
    described by its hint and error message (the ids templates/assessments/includes/field.html
    gives them)."""
    css = next(c for widget, c in CONTROL_CLASSES if isinstance(field.field.widget, widget))
    classes = [css, *([f"{css}--error"] if field.errors else []), *extra_class.split()]
    described = [f"{field.auto_id}-hint"] if field.help_text else []
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"class": " ".join(classes)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
