"""Django form fields drawn with the NHS.UK design system's classes (nhsuk-frontend)."""

from django import template

register = template.Library()

# The design system's class for each of Django's widget types (``BoundField.widget_type``).
_WIDGET_CLASSES = {
    "select": "nhsuk-select",
    "textarea": "nhsuk-textarea",
    "checkbox": "nhsuk-checkboxes__input",
    "radio": "nhsuk-radios__input",
    "file": "nhsuk-file-upload",
}


@register.filter
def nhsuk_widget(field):
    """``{{ field|nhsuk_widget }}``: the field's widget with its nhsuk class, marked as in
    error when the field has errors, and described by its help text and errors."""
    css = _WIDGET_CLASSES.get(field.widget_type, "nhsuk-input")
    attrs = {}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        if css in ("nhsuk-input", "nhsuk-select", "nhsuk-textarea"):
            css += f" {css}--error"
        described_by.append(f"{field.auto_id}_error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    existing = field.field.widget.attrs.get("class")
    attrs["class"] = f"{existing} {css}" if existing else css
    return field.as_widget(attrs=attrs)


@register.filter
def startswith(value, prefix) -> bool:
    """``{% if request.path|startswith:"/my/" %}``: the header marks a section as current."""
    return str(value).startswith(str(prefix))
