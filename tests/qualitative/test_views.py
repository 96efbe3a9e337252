"""The evaluators' qualitative pages: coding, blind double coding, codebook, uploads."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from qualitative import services
from qualitative.models import Code, Coding, Reading, Theme, Transcript, Unit
from tests import factories

pytestmark = pytest.mark.django_db
TEXT = "The handouts were clear. I now give people the pacing sheet; time is short."


@pytest.fixture
def unit(course_run):
    participant = factories.make_participant(course_run, code="QX1")
    factories.make_response(participant, "baseline")
    factories.make_response(participant, "month_3", programme_feedback=TEXT)
    services.units_sync()
    return Unit.objects.get()


@pytest.fixture
def codes():
    theme = Theme.objects.create(name="Programme evaluation")
    return (
        Code.objects.create(theme=theme, name="Resources useful"),
        Code.objects.create(theme=theme, name="Time constraints"),
    )


def unit_url(unit):
    return reverse("qualitative:unit", args=[unit.pk])


def code_sentences(client, unit, code, first, last=""):
    return client.post(
        unit_url(unit), {"action": "code", "code": code.pk, "first": first, "last": last}
    )


def test_workspace_lists_units_and_makes_a_coder_label(client, evaluator, unit):
    client.force_login(evaluator)
    html = client.get(reverse("qualitative:workspace")).content.decode()
    assert "QX1" in html and "Coder 1" in html
    assert evaluator.first_name not in html and evaluator.email not in html


def test_a_sentence_range_is_coded_without_script(client, evaluator, unit, codes):
    client.force_login(evaluator)
    response = code_sentences(client, unit, codes[0], 0, 1)
    assert response.status_code == 302
    coding = Coding.objects.get()
    assert (coding.start, coding.end) == (0, TEXT.index(";") + 1)
    assert coding.quote == "The handouts were clear. I now give people the pacing sheet;"
    html = client.get(unit_url(unit)).content.decode()
    assert '<mark class="coded" title="Programme evaluation/Resources useful">' in html


def test_offsets_from_the_script_and_bad_offsets(client, evaluator, unit, codes):
    client.force_login(evaluator)
    start = TEXT.index("time")
    post = {"action": "code", "code": codes[1].pk, "start": start, "end": start + 13}
    assert client.post(unit_url(unit), post).status_code == 302
    assert Coding.objects.get().quote == "time is short"
    post["end"] = 10_000
    response = client.post(unit_url(unit), post)
    assert response.status_code == 400
    assert "The selected passage is not within the text." in response.content.decode()
    assert Coding.objects.count() == 1


def test_nothing_to_code_and_finishing(client, evaluator, unit, codes):
    client.force_login(evaluator)
    assert client.post(unit_url(unit), {"action": "finish"}).status_code == 400
    client.post(unit_url(unit), {"action": "nothing"})
    reading = Reading.objects.get()
    assert reading.nothing_to_code and reading.finished_at is not None


def test_double_coding_is_blind_until_both_finish(unit, codes):
    first, second = Client(), Client()
    first_user, second_user = factories.EvaluatorFactory(), factories.EvaluatorFactory()
    first.force_login(first_user)
    second.force_login(second_user)
    code_sentences(first, unit, codes[0], 0)
    first.post(unit_url(unit), {"action": "finish"})
    coder = services.coder_for_user(user=second_user)
    response = first.post(reverse("qualitative:double-coding"), {"coder": coder.pk, "share": 100})
    assert response.status_code == 302
    html = second.get(unit_url(unit)).content.decode()
    assert "double coding" in html
    assert "Coder 1" not in html and "<mark" not in html and "Other coders" not in html
    agreement = second.get(reverse("qualitative:agreement")).content.decode()
    assert "QX1" not in agreement  # no disagreement listed while the second is still coding
    code_sentences(second, unit, codes[1], 1)
    # Coded but not finished: still blind.
    assert "Coder 1" not in second.get(unit_url(unit)).content.decode()
    second.post(unit_url(unit), {"action": "finish"})
    html = second.get(unit_url(unit)).content.decode()
    assert "Other coders (you have both finished)" in html
    assert "<strong>Coder 1</strong>: Programme evaluation/Resources useful" in html
    agreement = second.get(reverse("qualitative:agreement")).content.decode()
    assert "QX1" in agreement and "Coder 1 and Coder 2" in agreement
    # The disagreement side by side, each coder's passage under their code.
    assert "“The handouts were clear.”" in agreement
    assert "“I now give people the pacing sheet;”" in agreement


def test_codebook_changes_are_audited_and_keep_codings(client, evaluator, unit, codes):
    client.force_login(evaluator)
    code_sentences(client, unit, codes[0], 0)
    response = client.post(
        reverse("qualitative:codebook"),
        {"action": "theme", "theme-name": "Development into practice", "theme-description": ""},
    )
    assert response.status_code == 302
    other = Theme.objects.get(name="Development into practice")
    response = client.post(
        reverse("qualitative:code-edit", args=[codes[0].pk]),
        {
            "code-theme": other.pk,
            "code-name": "Uses patient resources",
            "code-description": "",
            "code-example": "",
        },
    )
    assert response.status_code == 302
    assert Coding.objects.get().code.label == "Development into practice/Uses patient resources"
    client.post(
        reverse("qualitative:codebook"),
        {"action": "merge", "merge-source": codes[0].pk, "merge-target": codes[1].pk},
    )
    assert Coding.objects.get().code == codes[1]
    summaries = list(
        AuditEvent.objects.filter(action="qualitative").values_list("summary", flat=True)
    )
    assert any(s.startswith("Code moved") for s in summaries)
    assert any(s.startswith("Code merged") for s in summaries)
    bad = client.post(
        reverse("qualitative:codebook"),
        {"action": "code", "code-theme": other.pk, "code-name": "A/B"},
    )
    assert bad.status_code == 400 and "Leave out the “/”" in bad.content.decode()


def _docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_interview_upload_txt_and_docx_and_errors(client, evaluator, unit):
    factories.TraineeFactory(first_name="Hermione", last_name="Blackwood")
    client.force_login(evaluator)
    url = reverse("qualitative:interview-upload")
    data = {"participant_code": "qx1", "wave": "month_3", "interviewed_on": "2026-05-01"}
    data["interviewer"] = "Interviewer 1"
    content = _docx("Q: How is it going?\nA: Hermione Blackwood told me to call 07700 900123.")
    response = client.post(
        url, {**data, "file": SimpleUploadedFile("i.docx", content)}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A: [name] told me to call [phone]." in html and "Hermione" not in html
    assert Transcript.objects.get().text.startswith("Q: How is it going?")
    again = client.post(url, {**data, "file": SimpleUploadedFile("i.txt", b"Hello")})
    assert "already has an interview at this wave" in again.content.decode()
    for name, body, message in [
        ("i.pdf", b"%PDF", "Upload a .txt or .docx file."),
        ("i.docx", b"not a zip", "This is not a readable .docx file."),
        ("i.txt", b"\xff\xfe", "not UTF-8"),
    ]:
        response = client.post(
            url, {**data, "wave": "month_6", "file": SimpleUploadedFile(name, body)}
        )
        assert response.status_code == 400 and message in response.content.decode()
    response = client.post(
        url, {**data, "participant_code": "NOPE", "file": SimpleUploadedFile("i.txt", b"x")}
    )
    assert "No consenting participant has the code NOPE" in response.content.decode()
    assert Transcript.objects.count() == 1


def test_themes_page_shows_table_map_quotes_and_joint(client, evaluator, unit, codes):
    client.force_login(evaluator)
    code_sentences(client, unit, codes[0], 0)
    html = client.get(reverse("qualitative:themes")).content.decode()
    assert "“The handouts were clear.”" not in html  # still being coded
    client.post(unit_url(unit), {"action": "finish"})
    html = client.get(reverse("qualitative:themes")).content.decode()
    assert 'id="theme-table"' in html and "<svg" in html and 'id="joint-table"' in html
    assert "“The handouts were clear.”" in html


def test_a_second_coder_sees_no_figures_or_quotes_of_units_they_still_double_code(unit, codes):
    first, second = Client(), Client()
    first.force_login(factories.EvaluatorFactory())
    second_user = factories.EvaluatorFactory()
    second.force_login(second_user)
    code_sentences(first, unit, codes[0], 0)
    first.post(unit_url(unit), {"action": "finish"})
    coder = services.coder_for_user(user=second_user)
    services.assignments_make(actor=None, coder=coder, units=[unit], share=1)
    for page in ("themes", "agreement"):
        html = second.get(reverse(f"qualitative:{page}")).content.decode()
        assert "Resources useful" not in html and "handouts" not in html, page
    html = first.get(reverse("qualitative:themes")).content.decode()
    assert "“The handouts were clear.”" in html
    code_sentences(second, unit, codes[1], 0)
    second.post(unit_url(unit), {"action": "finish"})
    html = second.get(reverse("qualitative:themes")).content.decode()
    assert "“The handouts were clear.”" in html


def test_bad_input_on_the_coding_page_is_refused_without_change(client, evaluator, unit, codes):
    client.force_login(evaluator)
    url = unit_url(unit)
    for data, status in [
        ({"action": "remove", "coding": "abc"}, 404),
        ({"action": "remove", "coding": "99999999999999999999999"}, 404),
        ({"action": "code", "code": codes[0].pk, "start": 3}, 400),
        ({"action": "code", "code": codes[0].pk, "first": "x"}, 400),
        ({"action": "code", "code": codes[0].pk, "first": 1, "last": 0}, 400),
        ({"action": "code", "code": "nope"}, 400),
        ({"action": "redact", "passage": "not in the text"}, 400),
        ({"action": "dance"}, 400),
    ]:
        assert client.post(url, data).status_code == status, data
    assert not Coding.objects.exists()
    assert not AuditEvent.objects.filter(action="qualitative").exists()


def test_another_coders_coding_cannot_be_removed(client, unit, codes):
    owner = factories.EvaluatorFactory()
    client.force_login(owner)
    code_sentences(client, unit, codes[0], 0)
    client.force_login(factories.EvaluatorFactory())
    coding = Coding.objects.get()
    response = client.post(unit_url(unit), {"action": "remove", "coding": coding.pk})
    assert response.status_code == 404
    assert Coding.objects.filter(pk=coding.pk).exists()


def test_the_evaluation_dashboard_links_to_the_workspace(client, evaluator, unit, codes):
    client.force_login(evaluator)
    code_sentences(client, unit, codes[0], 0)
    html = client.get(reverse("analytics:dashboard")).content.decode()
    assert "1 of 1 free-text answers and interviews coded, with 1 code in use" in html
    assert reverse("qualitative:themes") in html and reverse("qualitative:workspace") in html
