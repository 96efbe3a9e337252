"""The personal chart and its text alternative; the certificate PDF and its public check."""

import json
import re
import shutil
import subprocess
from datetime import timedelta

import plotly.graph_objects as go
import pytest
from django.urls import reverse
from django.utils import timezone
from reportlab.graphics.barcode.qr import QrCodeWidget
from wagtail.models import Site

from assessments import certificates, charts, selectors, services
from assessments.certificates import certificate_pdf
from assessments.models import ITEM_CODES, Certificate, Response
from courses.models import Attendance, Footstep, ModuleCompletion, QASessionPage
from courses.waves import BASELINE, Wave
from home.models import ProgrammeSettings
from tests import factories
from tests.assessments.conftest import (
    attend_workshops,
    follow_up_answers,
    opened,
    submit_follow_up,
    with_baseline,
)

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The text a reader copies out of the PDF (poppler's pdftotext, from ``make documents``):
    only glyphs the embedded font really has come back as their letters."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: run `make documents` (apt-get install poppler-utils).")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(  # noqa: S603
        [tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def chart_url(enrolment):
    return reverse("assessments:chart", args=[enrolment.pk])


def figure_of(page) -> dict:
    html = page.content.decode()
    start = html.index('<script id="confidence-chart-data" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


class TestScores:
    def test_a_footstep_score_is_the_mean_of_its_statements_only_when_all_answered(self, enrolment):
        response = with_baseline(enrolment, s7=2, s8=3, s9=5, s11=4, s12=None)
        scores = charts.footstep_scores(response)
        assert scores[6] == pytest.approx(10 / 3)
        assert scores[8] is None
        assert scores[1] == 3
        assert len(scores) == 10

    def test_change_runs_from_the_baseline_to_the_latest_follow_up_scored(self):
        footstep = Footstep.objects.get(number=1)
        score = charts.FootstepScore(footstep, {BASELINE: 2.0, Wave(3): 4.0, Wave(6): None})
        assert (score.baseline, score.latest, score.change) == (2.0, 4.0, 2.0)
        alone = charts.FootstepScore(footstep, {BASELINE: 2.5})
        assert (alone.latest, alone.change) == (2.5, None)
        unscored = charts.FootstepScore(footstep, {BASELINE: None, Wave(3): 4.0})
        assert (unscored.latest, unscored.change) == (4.0, None)

    def test_scores_are_per_wave_in_time_order(self, waves_enrolment):
        run = waves_enrolment.course_run
        baseline = with_baseline(waves_enrolment)
        six = submit_follow_up(waves_enrolment, 6)
        twelve = submit_follow_up(waves_enrolment, 12, now=opened(run, 12))
        scores = charts.personal_scores({"month_12": twelve, "baseline": baseline, "month_6": six})
        assert len(scores) == 10
        assert list(scores[0].scores) == [BASELINE, Wave(6), Wave(12)]
        assert charts.waves_of(scores) == [BASELINE, Wave(6), Wave(12)]
        assert charts.waves_in_words([BASELINE]) == "before the training"


def test_the_chart_is_plain_data_that_plotly_would_leave_unchanged():
    """Built without plotly's Python validation; validating it adds, drops and changes nothing,
    plotly's default look (its template) included."""
    footsteps = {f.number: f for f in Footstep.objects.all()}
    scores = [
        charts.FootstepScore(
            footsteps[n],
            {BASELINE: float(n % 5 + 1), Wave(3): None if n == 4 else 2.5, Wave(6): 3.0},
        )
        for n in range(1, 11)
    ]
    figure = charts.personal_chart(scores)
    assert json.loads(go.Figure(figure).to_json()) == json.loads(json.dumps(figure))
    assert figure["layout"]["template"] == json.loads(go.Figure().to_json())["layout"]["template"]
    assert [t["type"] for t in figure["data"]] == ["scatterpolar"] * 3


class TestTheChartsShape:
    """A footstep not scored leaves the line joining its neighbours and its axis marked."""

    @staticmethod
    def scores(baseline: dict, follow_up: dict | None = None) -> list:
        return [
            charts.FootstepScore(
                footstep,
                {BASELINE: baseline.get(footstep.number, 3.0)}
                | ({} if follow_up is None else {Wave(3): follow_up.get(footstep.number, 4.0)}),
            )
            for footstep in Footstep.objects.order_by("number")
        ]

    def test_the_line_joins_the_scored_footsteps_and_closes(self):
        figure = charts.personal_chart(self.scores({1: None, 5: None, 6: 2.5}))
        (trace,) = figure["data"]
        assert None not in trace["r"]
        assert trace["theta"][0] == trace["theta"][-1] == "Acceptance"
        assert trace["r"][:5] == [3.0, 3.0, 3.0, 2.5, 3.0]  # 2, 3, 4, 6, 7: 5 is skipped
        assert len(trace["theta"]) == 9  # 8 footsteps scored, closed

    def test_every_axis_is_kept_with_its_short_name_in_order(self):
        figure = charts.personal_chart(self.scores({5: None}, {5: None, 7: None}))
        axis = figure["layout"]["polar"]["angularaxis"]
        assert axis["categoryorder"] == "array"
        assert axis["categoryarray"] == [
            "Knowledge",
            "Acceptance",
            "Pacing",
            "Goals",
            "Getting<br>active<br>(not scored)",
            "Moods",
            "Sleep<br>(not scored<br>at 3 months)",
            "Food &<br>relations",
            "Relaxation",
            "Setbacks",
        ]
        assert "short_labels" not in figure["layout"]["meta"]  # the same names on a phone
        # Line breaks only: plotly sets <i> or <b> in a style attribute, which CSP blocks.
        assert not any("<" in label.replace("<br>", "") for label in axis["categoryarray"])

    def test_a_wave_without_any_footstep_scored_draws_no_line(self):
        figure = charts.personal_chart(self.scores(dict.fromkeys(range(1, 11))))
        assert figure["data"][0]["r"] == [] and figure["data"][0]["theta"] == []

    def test_the_scales_numbers_sit_between_the_first_two_spokes(self):
        radial = charts.personal_chart(self.scores({}))["layout"]["polar"]["radialaxis"]
        # Footstep 1's spoke is at 90 degrees, footstep 2's at 54 (clockwise, 36 apart).
        assert 54 < radial["angle"] < 90 and radial["tickangle"] == radial["angle"]
        assert radial["showline"] is False


class TestChartPage:
    def test_baseline_chart_with_text_alternative_and_self_hosted_plotly(self, client, enrolment):
        with_baseline(enrolment, s1=1, s2=2, s14=None)
        client.force_login(enrolment.user)
        page = client.get(chart_url(enrolment))
        html = page.content.decode()
        assert page.status_code == 200
        assert '<script src="/static/vendor/plotly/plotly.min.js">' in html
        # Every script and stylesheet is ours (a CSRF token may spell "cdn" by chance).
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html)
        assert 'role="img"' in html and "The table below gives the same scores" in html
        assert html.count('<th scope="row">') == 10
        assert "1. Building knowledge about pain" in html
        assert "not scored" in html  # footstep 10, s14 left blank
        figure = figure_of(page)
        assert len(figure["data"]) == 1
        # Footstep 10 is left out of the line, which closes on the 9 others; its axis stays.
        assert len(figure["data"][0]["theta"]) == 10
        axes = figure["layout"]["polar"]["angularaxis"]["categoryarray"]
        assert axes[0] == "Knowledge" and axes[9] == "Setbacks<br>(not scored)"
        assert figure["layout"]["polar"]["radialaxis"]["tickvals"] == [1, 2, 3, 4, 5]

    def test_note_points_to_the_modules_of_the_lowest_footsteps(self, client, enrolment):
        module = factories.make_module(Footstep.objects.get(number=1))
        with_baseline(enrolment, s1=1, s2=2, s5=2)
        client.force_login(enrolment.user)
        html = client.get(chart_url(enrolment)).content.decode()
        note = html[html.index('id="revisit"') :]
        assert f'href="{module.url}"' in note
        assert "Footstep 2: Acceptance" in note
        assert "Footstep 4: Setting goals" in note
        assert "Footstep 3" not in note.split("</section>")[0]

    def test_the_footsteps_to_revisit_say_whether_their_module_is_done(self, client, enrolment):
        done = factories.make_module(Footstep.objects.get(number=1))
        factories.make_module(Footstep.objects.get(number=2))
        ModuleCompletion.objects.create(user=enrolment.user, module=done)
        with_baseline(enrolment, s1=1, s2=2, s5=2)
        client.force_login(enrolment.user)
        html = client.get(chart_url(enrolment)).content.decode()
        items = html[html.index('id="revisit"') :].split("</ul>")[0].split("<li>")[1:]
        assert "Done" in items[0] and "Not done" not in items[0]
        assert "Not done" in items[1]

    def test_after_follow_up_both_waves_are_overlaid_with_the_change(self, client, past_enrolment):
        with_baseline(past_enrolment)
        services.response_submit(enrolment=past_enrolment, wave="month_3", data=follow_up_answers())
        client.force_login(past_enrolment.user)
        page = client.get(chart_url(past_enrolment))
        html = page.content.decode()
        names = [trace["name"] for trace in figure_of(page)["data"]]
        assert names == ["Before the training", "3 months after"]
        assert '<th scope="col" class="num">3 months after</th>' in html and "+1.0" in html

    def test_every_wave_answered_is_overlaid_in_words_with_its_own_style(
        self, client, waves_enrolment
    ):
        run = waves_enrolment.course_run
        with_baseline(waves_enrolment)
        submit_follow_up(waves_enrolment, 3, now=opened(run, 3))
        submit_follow_up(waves_enrolment, 6, s1=5, s2=5)
        client.force_login(waves_enrolment.user)
        page = client.get(chart_url(waves_enrolment))
        traces = figure_of(page)["data"]
        assert [t["name"] for t in traces] == [
            "Before the training",
            "3 months after",
            "6 months after",
        ]
        assert traces[0]["line"]["dash"] == "dash"
        assert len({t["line"]["dash"] for t in traces}) == 3
        assert len({t["line"]["color"] for t in traces}) == 3
        assert len({t["marker"]["symbol"] for t in traces}) == 3
        assert [(t["line"]["color"], t["marker"]["symbol"]) for t in traces] == [
            (style.colour, style.marker)
            for style in charts.line_styles([BASELINE, Wave(3), Wave(6)]).values()
        ]
        html = page.content.decode()
        assert "Your confidence before the training, 3 months after and 6 months after," in html
        header = html[html.index("<thead>") : html.index("</thead>")]
        assert re.findall(r'<th scope="col" class="num">([^<]+)', header) == [
            "Before the training",
            "3 months after",
            "6 months after",
            "Change",
        ]
        first = html[html.index('<th scope="row">1. ') :].split("</tr>")[0]
        assert re.findall(r'<td class="num">([^<]+)</td>', first) == ["3.0", "4.0", "5.0", "+2.0"]
        for wave in ("baseline", "month_3", "month_6"):
            path = reverse("assessments:questionnaire", args=[waves_enrolment.pk, wave])
            assert f'href="{path}"' in html

    def test_next_names_the_next_open_or_coming_follow_up(self, client, waves_enrolment, enrolment):
        with_baseline(waves_enrolment)
        with_baseline(enrolment)
        client.force_login(waves_enrolment.user)
        html = client.get(chart_url(waves_enrolment)).content.decode()
        six = reverse("assessments:questionnaire", args=[waves_enrolment.pk, "month_6"])
        assert f'<a class="nhsuk-button" href="{six}">Fill in your 6-month follow-up</a>' in html
        assert "After your 6-month follow-up, this chart will show it too." in html
        html = client.get(chart_url(enrolment)).content.decode()
        assert "Your 3-month follow-up opens on" in html
        assert "Submit the 3-month follow-up questionnaire." in html

    def test_no_chart_before_a_baseline(self, client, enrolment):
        client.force_login(enrolment.user)
        assert client.get(chart_url(enrolment)).status_code == 404


def reference_group(run, count):
    """``count`` analysed baselines of other people (imported), whose overall scores spread
    from 1 to 4, so that the evaluation has a reliable-change threshold."""
    for i in range(count):
        participant = factories.make_participant(run)
        level = 1 + i % 4
        factories.make_response(participant, "baseline", [level] * 13 + [1 + (i * 3) % 5])


def threshold() -> float:
    """The smallest reliable change of the overall score, as the evaluation has it."""
    return charts.RELIABLE_CHANGE_Z * selectors.reliable_change_se()


def section(html: str) -> str:
    start = html.index('<section class="card" aria-labelledby="reliable-change">')
    return html[start : html.index("</section>", start)]


class TestReliableChange:
    """Whether the trainee's own overall change is larger than the questionnaire's error."""

    def scores(self, baseline, *follow_ups):
        footstep = Footstep.objects.get(number=1)
        waves = [BASELINE, *(Wave(3 * (k + 1)) for k in range(len(follow_ups)))]
        return [
            charts.FootstepScore(footstep, dict(zip(waves, values, strict=True)))
            for values in zip(baseline, *follow_ups, strict=True)
        ]

    def test_the_verdict_compares_the_change_with_the_critical_difference(self):
        def change(before, after):
            return charts.PersonalReliableChange(before, after, Wave(3), critical_difference=0.5)

        assert change(3.0, 3.6).verdict == "improvement"
        assert change(3.0, 3.5).verdict == "no_change"  # not more than the error
        assert change(3.0, 2.6).verdict == "no_change"
        assert change(3.0, 2.4).verdict == "decline"
        assert change(3.0, 3.6).change == pytest.approx(0.6)
        assert abs(charts.RELIABLE_CHANGE_Z - 1.959964) < 1e-6

    def test_baseline_to_the_latest_follow_up_with_an_overall_score(self):
        scores = self.scores([3.0] * 10, [4.0] * 10, [4.5] * 9 + [None])
        assert charts.overall_scores(scores) == {BASELINE: 3.0, Wave(3): 4.0, Wave(6): None}
        got = charts.personal_reliable_change(scores, lambda: 0.25)
        assert (got.baseline, got.follow_up, got.wave) == (3.0, 4.0, Wave(3))
        assert got.critical_difference == pytest.approx(1.959964 * 0.25, rel=1e-6)

    def test_nothing_without_both_overall_scores_or_without_a_threshold(self):
        def unavailable():
            raise AssertionError("the threshold is read only when it is needed")

        assert charts.personal_reliable_change(self.scores([3.0] * 10), unavailable) is None
        blank = self.scores([None] + [3.0] * 9, [4.0] * 10)
        assert charts.personal_reliable_change(blank, unavailable) is None
        both = self.scores([3.0] * 10, [4.0] * 10)
        assert charts.personal_reliable_change(both, lambda: None) is None

    @pytest.mark.parametrize(
        ("follow_up", "change", "verdict"),
        [
            ({}, "+1.00", "That is a reliable improvement."),
            ({code: 2 for code in ITEM_CODES}, "-1.00", "That is a reliable decline."),
            ({code: 3 for code in ITEM_CODES} | {"s1": 4}, "+0.10", "That is no reliable change."),
        ],
    )
    def test_a_consenting_trainee_is_told_in_plain_words(
        self, client, past_enrolment, follow_up, change, verdict
    ):
        reference_group(past_enrolment.course_run, 12)
        with_baseline(past_enrolment)  # every statement 3: overall 3.00
        services.response_submit(
            enrolment=past_enrolment, wave="month_3", data=follow_up_answers(**follow_up)
        )
        assert 0.1 < threshold() < 1.0
        client.force_login(past_enrolment.user)
        text = section(client.get(chart_url(past_enrolment)).content.decode())
        assert "Has your confidence really changed?" in text
        assert "was 3.00 before the training and" in text
        assert f"in your 3-month follow-up ({change})." in text
        assert verdict in text
        assert "a change larger than the questionnaire's own measurement error" in text
        assert f"(more than {threshold():.2f} points either way)" in text
        # Nothing else about other people: no count, no mean, no SD.
        assert "12" not in text and "participants" not in text

    def test_the_latest_follow_up_counts(self, client, waves_enrolment):
        run = waves_enrolment.course_run
        reference_group(run, 12)
        with_baseline(waves_enrolment)
        submit_follow_up(waves_enrolment, 3, now=opened(run, 3), **{c: 5 for c in ITEM_CODES})
        submit_follow_up(waves_enrolment, 6, **{c: 3 for c in ITEM_CODES} | {"s1": 4})
        client.force_login(waves_enrolment.user)
        text = section(client.get(chart_url(waves_enrolment)).content.decode())
        assert "in your 6-month follow-up (+0.10)" in text
        assert "That is no reliable change." in text

    def test_not_for_a_trainee_who_did_not_consent(self, client, past_enrolment):
        reference_group(past_enrolment.course_run, 12)
        with_baseline(past_enrolment, consented=False)
        services.response_submit(enrolment=past_enrolment, wave="month_3", data=follow_up_answers())
        client.force_login(past_enrolment.user)
        html = client.get(chart_url(past_enrolment)).content.decode()
        assert "3 months after" in html  # the chart shows both waves
        assert "reliable" not in html

    def test_nothing_when_too_few_people_give_a_threshold(self, client, past_enrolment):
        reference_group(past_enrolment.course_run, 5)
        with_baseline(past_enrolment)
        services.response_submit(enrolment=past_enrolment, wave="month_3", data=follow_up_answers())
        assert selectors.reliable_change_se() is None
        client.force_login(past_enrolment.user)
        assert "reliable" not in client.get(chart_url(past_enrolment)).content.decode()

    def test_nothing_before_a_follow_up_or_without_an_overall_score(self, client, past_enrolment):
        reference_group(past_enrolment.course_run, 12)
        with_baseline(past_enrolment, s14=None)  # footstep 10 unscored: no overall score
        client.force_login(past_enrolment.user)
        assert "reliable" not in client.get(chart_url(past_enrolment)).content.decode()
        services.response_submit(enrolment=past_enrolment, wave="month_3", data=follow_up_answers())
        assert "reliable" not in client.get(chart_url(past_enrolment)).content.decode()


@pytest.fixture
def finished(past_enrolment):
    with_baseline(past_enrolment)
    attend_workshops(past_enrolment)
    services.response_submit(enrolment=past_enrolment, wave="month_3", data=follow_up_answers())
    return past_enrolment


def organisation(name: str, email: str = "") -> ProgrammeSettings:
    programme = ProgrammeSettings.for_site(Site.objects.get(is_default_site=True))
    programme.organisation_name, programme.contact_email = name, email
    programme.save()
    return programme


def draw(certificate, enrolment, tmp_path, *, url="https://x.example/c", org="Org") -> str:
    pdf = certificate_pdf(certificate, enrolment=enrolment, verify_url=url, organisation_name=org)
    return pdf_text(pdf, tmp_path)


class TestCertificate:
    def test_pdf_for_an_eligible_trainee(self, client, finished, tmp_path, monkeypatch):
        organisation("Bristol, North Somerset and South Gloucestershire ICB")
        encoded = []

        def qr_widget(value, **options):
            encoded.append(value)
            return QrCodeWidget(value, **options)

        monkeypatch.setattr(certificates, "QrCodeWidget", qr_widget)
        client.force_login(finished.user)
        page = client.get(reverse("assessments:certificate", args=[finished.pk]))
        assert page.status_code == 200
        assert page["Content-Type"] == "application/pdf"
        assert page.content.startswith(b"%PDF")
        certificate = Certificate.objects.get()
        assert certificate.verification_code in page["Content-Disposition"]
        text = pdf_text(page.content, tmp_path)
        # A QR code of the verification page's address, printed under it.
        verify_url = f"http://testserver/certificates/{certificate.verification_code}/"
        assert encoded == [verify_url]
        assert verify_url in text
        assert "Bristol, North Somerset and South Gloucestershire ICB" in text
        again = client.get(reverse("assessments:certificate", args=[finished.pk]))
        assert again.status_code == 200
        assert Certificate.objects.count() == 1

    def test_pdf_names_the_workshops_the_hours_and_the_verification_code(self, finished, tmp_path):
        certificate = services.certificate_issue(enrolment=finished)
        text = draw(certificate, finished, tmp_path, org="Avon Primary Care Collaborative")
        assert certificate.holder_name in text
        assert finished.course_run.title in text
        assert "Workshop 1: " in text and "Workshop 2: " in text
        assert "8 hours of continuing professional development (CPD)" in text
        assert "Q&A sessions attended" not in text  # none attended
        assert f"Verification code: {certificate.verification_code}" in text
        assert "https://x.example/c" in text
        assert "Avon Primary Care Collaborative" in text

    def test_qa_sessions_attended_are_listed_with_their_dates_and_add_2_hours_each(
        self, finished, tmp_path
    ):
        run = finished.course_run
        late = factories.add_qa_session(run, timezone.now() - timedelta(days=3), "Sleep Q&A")
        skipped = factories.add_qa_session(run, timezone.now() - timedelta(days=2), "Mood Q&A")
        first = QASessionPage.objects.child_of(run).get(title="Q&A session 1")
        for session in (first, late):
            Attendance.objects.create(enrolment=finished, session=session)
        certificate = services.certificate_issue(enrolment=finished)
        text = draw(certificate, finished, tmp_path)
        assert "12 hours of continuing professional development (CPD)" in text
        assert "Q&A sessions attended (2 hours each)" in text
        assert "Mandatory workshops attended (4 hours each)" in text
        when = timezone.localtime(late.starts_at)
        assert f"Sleep Q&A: {when.day} {when:%B %Y}" in text
        assert "Q&A session 1: " in text
        assert skipped.title not in text

    def test_every_letter_of_a_welsh_polish_vietnamese_name_prints(self, finished, tmp_path):
        finished.user.first_name, finished.user.last_name = "Llŷr", "Łukasz-Nguyễn"
        finished.user.save()
        certificate = services.certificate_issue(enrolment=finished)
        assert certificate.holder_name == "Llŷr Łukasz-Nguyễn"
        text = draw(certificate, finished, tmp_path, org="Βοήθεια · Поддержка")
        assert "Llŷr Łukasz-Nguyễn" in text
        assert "Βοήθεια · Поддержка" in text

    def test_a_very_long_name_still_fits_the_page(self, finished, tmp_path):
        finished.user.first_name = "Gwenllian " * 12
        finished.user.save()
        certificate = services.certificate_issue(enrolment=finished)
        assert "Gwenllian Gwenllian" in draw(certificate, finished, tmp_path)

    def test_not_yet_eligible_explains_what_is_missing(self, client, past_enrolment):
        with_baseline(past_enrolment)
        client.force_login(past_enrolment.user)
        page = client.get(reverse("assessments:certificate", args=[past_enrolment.pk]))
        assert page.status_code == 403
        assert "Attend both mandatory workshops." in page.content.decode()
        assert not Certificate.objects.exists()

    def test_public_verification_page_confirms_name_run_date_and_hours(self, client, finished):
        organisation("Avon Primary Care Collaborative", "cpd@avon.example")
        qa = QASessionPage.objects.child_of(finished.course_run).get()
        Attendance.objects.create(enrolment=finished, session=qa)
        certificate = services.certificate_issue(enrolment=finished)
        issued = timezone.localtime(certificate.issued_at)
        for url in (
            reverse("assessments:certificate_detail", args=[certificate.verification_code]),
            reverse("assessments:certificate_verify") + f"?code={certificate.verification_code}",
            reverse("assessments:certificate_verify")
            + f"?code={certificate.verification_code.lower()}",
        ):
            page = client.get(url)
            html = page.content.decode()
            assert page.status_code == 200
            assert "This certificate is genuine" in html
            assert certificate.holder_name in html
            assert finished.course_run.title in html
            assert f"<dt>Issued on</dt><dd>{issued.day} {issued:%B %Y}</dd>" in html
            assert "<dt>CPD hours</dt><dd>10 hours (4 for each mandatory workshop" in html
            assert "<dt>Awarded by</dt><dd>Avon Primary Care Collaborative</dd>" in html
            # Nothing else about the holder: no email, account, attendance dates or sessions.
            assert finished.user.email not in html
            assert qa.title not in html and "Workshop 1" not in html
            assert "cpd@avon.example" not in html

    def test_unknown_code_is_a_clear_404(self, client, db):
        page = client.get(reverse("assessments:certificate_verify") + "?code=NOPE")
        assert page.status_code == 404
        assert "No certificate has the code" in page.content.decode()
        assert client.get(reverse("assessments:certificate_verify")).status_code == 200


class TestEvaluatorSeesNoNames:
    def test_trainee_pages_are_404_and_trainer_pages_403_for_an_evaluator(
        self, client, evaluator, finished
    ):
        client.force_login(evaluator)
        for name in ("consent", "chart", "certificate"):
            page = client.get(reverse(f"assessments:{name}", args=[finished.pk]))
            assert page.status_code == 404
        for wave in ("baseline", "month_3"):
            page = client.get(reverse("assessments:questionnaire", args=[finished.pk, wave]))
            assert page.status_code == 404
        page = client.get(reverse("assessments:trainer_follow_ups", args=[finished.course_run.pk]))
        assert page.status_code == 403
        assert finished.user.email not in page.content.decode()
        assert finished.user.last_name not in page.content.decode()

    def test_research_responses_hold_no_name_email_or_user_id(self, finished):
        response = Response.objects.filter(wave="baseline").values().get()
        values = " ".join(str(v) for v in response.values())
        assert finished.user.email not in values
        assert finished.user.last_name not in values
        assert "user" not in " ".join(response)
