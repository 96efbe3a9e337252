"""The five radios of one confidence statement, written in Python.

A questionnaire has 70 of them; iterating a field's subwidgets in the template (a widget
object, its context and a dozen lookups per radio) was most of the page's server time.
The markup is what Django's ``RadioSelect`` gives these optional, attribute-less radios
(QuestionnaireForm): its name, value, ``<id>_<index>`` ids and ``checked``, in NHS.UK
classes.
"""

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

SCALE_ENDS = (" (least confident)", " (most confident)")


@register.simple_tag
def likert_radios(field: BoundField) -> SafeString:
    value = field.value()
    chosen = "" if value is None else str(value)
    choices = field.field.choices
    rows = []
    for index, (option, label) in enumerate(choices):
        end = SCALE_ENDS[0] if index == 0 else SCALE_ENDS[1] if index == len(choices) - 1 else ""
        hidden = format_html('<span class="nhsuk-u-visually-hidden">{}</span>', end) if end else ""
        radio_id = f"{field.auto_id}_{index}"
        rows.append(
            (field.html_name, option, radio_id, " checked" if option == chosen else "")
            + (radio_id, label, hidden)
        )
    return format_html_join(
        "",
        '<div class="nhsuk-radios__item"><input class="nhsuk-radios__input" type="radio" '
        'name="{}" value="{}" id="{}"{}><label class="nhsuk-label nhsuk-radios__label" '
        'for="{}">{}{}</label></div>',
        rows,
    )
