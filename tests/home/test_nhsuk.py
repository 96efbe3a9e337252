"""Django form fields drawn with the design system's classes (home/templatetags/nhsuk.py)."""

from django import forms
from django.urls import reverse

from home.templatetags.nhsuk import nhsuk_widget
from tests import factories


class Form(forms.Form):
    email = forms.EmailField(help_text="The one you use at work.")
    role = forms.ChoiceField(choices=[("a", "A")])
    notes = forms.CharField(widget=forms.Textarea, required=False)
    agree = forms.BooleanField()


def test_each_widget_gets_its_class_and_is_described_by_its_hint():
    form = Form()
    assert 'class="nhsuk-input"' in nhsuk_widget(form["email"])
    assert 'aria-describedby="id_email_helptext"' in nhsuk_widget(form["email"])
    assert 'class="nhsuk-select"' in nhsuk_widget(form["role"])
    assert 'class="nhsuk-textarea"' in nhsuk_widget(form["notes"])
    assert 'class="nhsuk-checkboxes__input"' in nhsuk_widget(form["agree"])


def test_a_field_in_error_is_marked_and_described_by_its_message():
    form = Form(data={"email": "not an address", "role": "a"})
    assert not form.is_valid()
    html = nhsuk_widget(form["email"])
    assert 'class="nhsuk-input nhsuk-input--error"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'aria-describedby="id_agree_error"' in nhsuk_widget(form["agree"])


def test_the_header_marks_the_section_of_the_page_as_current(client, trainee):
    client.force_login(trainee)
    html = client.get(reverse("accounts:account")).content.decode()
    assert 'aria-current="page">Account<' in html
    assert "nhsuk-header__navigation-item--current" not in html
    html = client.get(reverse("courses:dashboard")).content.decode()
    assert f'href="{reverse("courses:dashboard")}" aria-current="page">My training<' in html
    enrolment = factories.enrol(trainee, factories.make_course_run())
    html = client.get(reverse("assessments:consent", args=[enrolment.pk])).content.decode()
    assert f'href="{reverse("courses:dashboard")}" aria-current="true">My training<' in html
