"""The trainee's questionnaire pages: consent, baseline, follow-up, review, and who may see them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import selectors, services
from assessments.models import ITEM_CODES, Participant, QuestionnaireDraft, Response
from assessments.validators import MESSAGES
from courses.waves import Wave
from tests import factories
from tests.assessments.conftest import attend_workshops, submit_follow_up, with_baseline

pytestmark = pytest.mark.django_db


def baseline_post(**overrides) -> dict:
    data = {code: "3" for code in ITEM_CODES}
    data.update(
        profession="wellbeing_coach",
        profession_other="",
        experience_amount="18",
        experience_unit="months",
        prior_training="A pain webinar",
        uses_resources="no",
    )
    data.update(overrides)
    return data


def follow_up_post(**overrides) -> dict:
    data = {code: "4" for code in ITEM_CODES}
    data.update(resource_use="used", programme_feedback="Useful", clinical_use="Daily")
    data.update(overrides)
    return data


def url(name, enrolment):
    """A page of ``enrolment``; a wave's name (baseline, month_3) is that questionnaire."""
    if name == "baseline" or name.startswith("month_"):
        return reverse("assessments:questionnaire", args=[enrolment.pk, name])
    return reverse(f"assessments:{name}", args=[enrolment.pk])


class TestConsentPage:
    def test_choosing_yes_creates_the_record_and_shows_the_code(self, client, enrolment):
        client.force_login(enrolment.user)
        page = client.get(url("consent", enrolment))
        assert page.status_code == 200
        assert b'legend--s">May we use your pseudonymised answers' in page.content
        answer = client.post(url("consent", enrolment), {"consent": "yes"}, follow=True)
        participant = Participant.objects.get()
        assert participant.has_consented
        assert participant.code in answer.content.decode()
        assert answer.redirect_chain[-1][0] == url("baseline", enrolment)

    def test_no_choice_is_an_error_on_the_form(self, client, enrolment):
        client.force_login(enrolment.user)
        page = client.post(url("consent", enrolment), {})
        assert page.status_code == 200
        assert 'href="#id_consent_0">Choose yes or no.</a>' in page.content.decode()
        assert not Participant.objects.exists()

    def test_baseline_without_a_consent_answer_goes_to_the_consent_page(self, client, enrolment):
        client.force_login(enrolment.user)
        page = client.get(url("baseline", enrolment))
        assert page.status_code == 302
        assert page["Location"] == url("consent", enrolment)


class TestBaselinePage:
    @pytest.fixture
    def consented(self, enrolment):
        services.consent_record(enrolment=enrolment, consented=True)
        return enrolment

    def test_form_groups_the_current_statements_under_footstep_headings(self, client, consented):
        client.force_login(consented.user)
        page = client.get(url("baseline", consented))
        html = page.content.decode()
        assert page.status_code == 200
        assert html.count("data-statement>") == 14
        assert html.count('<h3 class="nhsuk-fieldset__heading">Footstep ') == 10
        assert "Footstep 6: Managing moods</h3>" in html
        # The stem is visible above each footstep's statements, and read with each statement.
        assert html.count("How confident are you supporting people with persistent pain to …") == 10
        assert "prepare a setback plan in case things go wrong</legend>" in html
        assert html.count('type="radio" name="s1"') == 5
        assert '>1<span class="nhsuk-u-visually-hidden"> (least confident)</span>' in html
        assert '>5<span class="nhsuk-u-visually-hidden"> (most confident)</span>' in html
        # No statement starts with an answer, and there is no "leave blank" choice.
        assert ">Leave blank<" not in html
        assert not re.search(r'name="s\d+"[^>]*checked', html)
        # The "0 of 14 answered" counter waits for its script (it would not update without it).
        assert (
            '<p class="questionnaire__progress" id="questionnaire-progress" aria-live="polite" '
            "hidden>" in html
        )
        assert '<script src="/static/js/questionnaire.js"></script>' in html

    def test_valid_answers_are_saved_and_lead_to_the_chart(self, client, consented):
        client.force_login(consented.user)
        page = client.post(url("baseline", consented), baseline_post(s2="", action="send_anyway"))
        assert page.status_code == 302
        assert page["Location"] == url("chart", consented)
        response = Response.objects.get()
        assert response.s1 == 3 and response.s2 is None
        assert str(response.years_experience) == "1.50"
        assert response.uses_resources is False

    def test_experience_in_weeks_is_stored_in_years(self, client, consented):
        client.force_login(consented.user)
        client.post(
            url("baseline", consented),
            baseline_post(experience_amount="3", experience_unit="weeks"),
        )
        assert str(Response.objects.get().years_experience) == "0.06"

    def test_bad_values_are_listed_in_a_summary_that_links_to_each_field(self, client, consented):
        client.force_login(consented.user)
        page = client.post(
            url("baseline", consented),
            baseline_post(s4="7", profession="astronaut", experience_amount="-2"),
        )
        html = page.content.decode()
        assert page.status_code == 200
        assert 'id="error-summary"' in html
        assert 'href="#id_s4_0">' + MESSAGES["form"]["rating"] in html
        assert 'href="#id_profession">' in html
        assert not Response.objects.exists()

    def test_service_rules_show_next_to_the_field(self, client, consented):
        client.force_login(consented.user)
        page = client.post(
            url("baseline", consented),
            baseline_post(experience_amount="75", experience_unit="years"),
        )
        html = page.content.decode()
        assert 'href="#id_experience_amount">More than 60 years is not plausible' in html
        # On the field too, in the design system's words, described by it; no browser pop-ups.
        assert '<form method="post" novalidate' in html
        assert (
            '<span class="nhsuk-error-message" id="id_experience_amount_error">'
            '<span class="nhsuk-u-visually-hidden">Error:</span> More than 60 years' in html
        )
        amount = re.search(r'<input[^>]+name="experience_amount"[^>]*>', html)[0]
        assert "nhsuk-input--error" in amount
        described = 'aria-describedby="id_experience_amount_helptext id_experience_amount_error"'
        assert described in amount
        assert not Response.objects.exists()

    def test_a_missing_choice_is_shown_on_its_field(self, client, consented):
        client.force_login(consented.user)
        html = client.post(
            url("baseline", consented), baseline_post(profession="", uses_resources="")
        ).content.decode()
        select = re.search(r'<select[^>]+name="profession"[^>]*>', html)[0]
        assert 'class="nhsuk-select nhsuk-select--error"' in select
        assert 'id="id_profession_error"' in html
        assert (
            '<fieldset class="nhsuk-fieldset" aria-describedby="id_uses_resources_error">' in html
        )
        assert 'id="id_uses_resources_error"' in html
        assert 'href="#id_uses_resources_0">Choose yes or no.</a>' in html

    def test_double_submit_stores_one_response_and_explains(self, client, consented):
        client.force_login(consented.user)
        client.post(url("baseline", consented), baseline_post(s1="2"))
        second = client.post(url("baseline", consented), baseline_post(s1="5"))
        assert second.status_code == 200
        assert "already submitted the baseline questionnaire" in second.content.decode()
        assert Response.objects.get().s1 == 2

    def test_review_shows_the_answers_and_saves_corrections(self, client, consented):
        client.force_login(consented.user)
        client.post(url("baseline", consented), baseline_post(s1="2"))
        review = client.get(url("baseline", consented))
        html = review.content.decode()
        assert 'name="revise" value="1"' in html
        assert 'name="s1" value="2" id="id_s1_1" checked' in html
        assert "Save my corrections" in html
        client.post(url("baseline", consented), baseline_post(s1="5", revise="1"))
        assert Response.objects.get().s1 == 5

    def test_closed_baseline_shows_answers_read_only(self, client, past_enrolment):
        with_baseline(past_enrolment)
        client.force_login(past_enrolment.user)
        page = client.get(url("baseline", past_enrolment))
        html = page.content.decode()
        assert "can no longer be changed" in html
        assert '<form method="post" novalidate class="questionnaire">' not in html
        assert "Your rating (1–5)" in html

    def test_missed_baseline_says_when_it_closed(self, client, past_enrolment):
        services.consent_record(enrolment=past_enrolment, consented=True)
        client.force_login(past_enrolment.user)
        html = client.get(url("baseline", past_enrolment)).content.decode()
        assert "This questionnaire closed on" in html
        posted = client.post(url("baseline", past_enrolment), baseline_post())
        assert "The baseline questionnaire closed on" in posted.content.decode()
        assert not Response.objects.exists()


class TestFollowUpPage:
    def test_follow_up_is_saved_once_due(self, client, past_enrolment):
        with_baseline(past_enrolment)
        client.force_login(past_enrolment.user)
        page = client.get(url("month_3", past_enrolment))
        assert page.status_code == 200
        assert "Have you used the footstep resources" in page.content.decode()
        posted = client.post(url("month_3", past_enrolment), follow_up_post())
        assert posted.status_code == 302
        assert Response.objects.get(wave="month_3").programme_feedback == "Useful"

    def test_follow_up_without_baseline_explains_and_offers_no_form(self, client, past_enrolment):
        services.consent_record(enrolment=past_enrolment, consented=True)
        client.force_login(past_enrolment.user)
        html = client.get(url("month_3", past_enrolment)).content.decode()
        assert "We have no baseline questionnaire from you" in html
        assert 'class="questionnaire"' not in html

    def test_follow_up_not_yet_due_says_when(self, client, enrolment):
        with_baseline(enrolment)
        client.force_login(enrolment.user)
        html = client.get(url("month_3", enrolment)).content.decode()
        assert "This questionnaire opens on" in html


class TestUnansweredStatements:
    """Blanks are allowed, but a send with some blank lists them first; all blank is refused."""

    @pytest.fixture
    def consented(self, enrolment):
        services.consent_record(enrolment=enrolment, consented=True)
        return enrolment

    def test_skipping_two_lists_them_and_keeps_every_answer(self, client, consented):
        client.force_login(consented.user)
        page = client.post(url("baseline", consented), baseline_post(s4="", s9="", s1="2"))
        html = page.content.decode()
        assert page.status_code == 200
        assert "You have not answered 2 statements</h2>" in html
        summary = html[html.index('id="unanswered-summary"') : html.index("<h1>")]
        assert re.findall(r'href="#(id_s\d+_0)"', summary) == ["id_s4_0", "id_s9_0"]
        assert "Use pacing skills to balance their daily activities</a>" in summary
        assert 'value="send_anyway"' in html
        assert 'name="s1" value="2" id="id_s1_1" checked' in html
        assert '<option value="wellbeing_coach" selected>' in html
        assert not Response.objects.exists()

    def test_one_skipped_is_worded_in_the_singular(self, client, consented):
        client.force_login(consented.user)
        html = client.post(url("baseline", consented), baseline_post(s14="")).content.decode()
        assert "You have not answered 1 statement</h2>" in html

    def test_send_anyway_stores_the_blanks(self, client, consented):
        client.force_login(consented.user)
        page = client.post(
            url("baseline", consented), baseline_post(s4="", s9="", action="send_anyway")
        )
        assert page.status_code == 302
        response = Response.objects.get()
        assert response.s4 is None and response.s9 is None and response.s1 == 3

    def test_every_statement_answered_sends_at_once(self, client, consented):
        client.force_login(consented.user)
        assert client.post(url("baseline", consented), baseline_post()).status_code == 302

    @pytest.mark.parametrize("action", ["send", "send_anyway"])
    def test_all_blank_is_refused_with_a_message(self, client, consented, action):
        client.force_login(consented.user)
        blank = dict.fromkeys(ITEM_CODES, "")
        page = client.post(url("baseline", consented), baseline_post(**blank, action=action))
        html = page.content.decode()
        assert page.status_code == 200
        assert 'href="#id_s1_0">' + MESSAGES["form"]["all_blank"] in html
        assert 'id="unanswered-summary"' not in html
        assert not Response.objects.exists()

    def test_a_double_send_anyway_stores_one_response(self, client, consented):
        client.force_login(consented.user)
        data = baseline_post(s2="", action="send_anyway")
        client.post(url("baseline", consented), data)
        second = client.post(url("baseline", consented), {**data, "s1": "5"})
        assert "already submitted the baseline questionnaire" in second.content.decode()
        assert Response.objects.get().s1 == 3
        assert not QuestionnaireDraft.objects.exists()

    def test_corrections_are_checked_for_blanks_too(self, client, consented):
        client.force_login(consented.user)
        client.post(url("baseline", consented), baseline_post())
        page = client.post(url("baseline", consented), baseline_post(s3="", revise="1"))
        assert "You have not answered 1 statement" in page.content.decode()
        assert Response.objects.get().s3 == 3
        client.post(
            url("baseline", consented), baseline_post(s3="", revise="1", action="send_anyway")
        )
        assert Response.objects.get().s3 is None


def draft_url(enrolment, wave="baseline"):
    return reverse("assessments:questionnaire_draft", args=[enrolment.pk, wave])


class TestDrafts:
    """What a trainee types is kept on the server until they send it."""

    @pytest.fixture
    def consented(self, enrolment):
        services.consent_record(enrolment=enrolment, consented=True)
        return enrolment

    def test_autosave_keeps_the_answers_and_the_page_restores_them(self, client, consented):
        client.force_login(consented.user)
        saved = client.post(
            draft_url(consented),
            {"s1": "4", "s7": "2", "profession": "pharmacist", "prior_training": "A webinar"},
        )
        assert saved.status_code == 200 and "saved_at" in saved.json()
        draft = QuestionnaireDraft.objects.get()
        assert draft.enrolment == consented and draft.wave == "baseline"
        html = client.get(url("baseline", consented)).content.decode()
        assert "These are the answers you saved on" in html
        assert 'name="s1" value="4" id="id_s1_3" checked' in html
        assert 'name="s7" value="2" id="id_s7_1" checked' in html
        assert '<option value="pharmacist" selected>' in html
        assert "A webinar</textarea>" in html
        assert not Response.objects.exists()

    def test_save_and_come_back_later_works_without_javascript(self, client, consented):
        client.force_login(consented.user)
        page = client.post(
            url("baseline", consented), {"s2": "5", "action": "save_draft"}, follow=True
        )
        assert page.redirect_chain[-1][0] == reverse("courses:dashboard")
        assert "Your answers to the baseline questionnaire are saved" in page.content.decode()
        assert QuestionnaireDraft.objects.get().answers == {"s2": "5"}
        assert not Response.objects.exists()

    def test_a_send_that_does_not_go_through_keeps_a_draft(self, client, consented):
        client.force_login(consented.user)
        client.post(url("baseline", consented), baseline_post(s5="", experience_amount="x"))
        assert QuestionnaireDraft.objects.get().answers["experience_amount"] == "x"

    def test_sending_deletes_the_draft(self, client, consented):
        client.force_login(consented.user)
        client.post(draft_url(consented), {"s1": "4"})
        assert client.post(url("baseline", consented), baseline_post()).status_code == 302
        assert not QuestionnaireDraft.objects.exists()
        review = client.get(url("baseline", consented)).content.decode()
        assert "These are the answers you saved" not in review
        assert 'name="s1" value="3" id="id_s1_2" checked' in review

    def test_no_draft_once_sent(self, client, consented):
        client.force_login(consented.user)
        client.post(url("baseline", consented), baseline_post())
        late = client.post(draft_url(consented), {"s1": "1"})
        assert late.status_code == 409
        assert "already sent the baseline questionnaire" in late.json()["error"]
        assert not QuestionnaireDraft.objects.exists()
        review = client.get(url("baseline", consented)).content.decode()
        assert "data-draft-url" not in review and "Save and come back later" not in review

    def test_no_draft_before_consent_or_while_closed(self, client, enrolment, past_enrolment):
        client.force_login(enrolment.user)
        assert client.post(draft_url(enrolment), {"s1": "1"}).status_code == 409
        services.consent_record(enrolment=past_enrolment, consented=True)
        assert client.post(draft_url(past_enrolment), {"s1": "1"}).status_code == 409
        assert not QuestionnaireDraft.objects.exists()

    def test_only_the_forms_fields_are_kept_without_nul(self, client, consented):
        client.force_login(consented.user)
        client.post(draft_url(consented), {"s1": "4", "prior_training": "a\x00b", "extra": "x"})
        assert QuestionnaireDraft.objects.get().answers == {"s1": "4", "prior_training": "ab"}

    def test_another_trainee_can_neither_save_nor_read_it(self, client, consented, other_trainee):
        services.questionnaire_draft_save(
            enrolment=consented, wave=Wave.parse("baseline"), answers={"s1": "4"}
        )
        client.force_login(other_trainee)
        assert client.post(draft_url(consented), {"s1": "1"}).status_code == 404
        assert client.get(url("baseline", consented)).status_code == 404
        assert QuestionnaireDraft.objects.get().answers == {"s1": "4"}

    def test_the_draft_address_takes_only_posts(self, client, consented):
        client.force_login(consented.user)
        assert client.get(draft_url(consented)).status_code == 405

    def test_a_draft_is_not_research_data(self, client, consented):
        client.force_login(consented.user)
        client.post(draft_url(consented), {"s1": "4"})
        assert not Response.objects.filter(
            participant__in=selectors.research_participants()
        ).exists()


class TestWaveAddresses:
    def test_a_wave_is_named_in_the_address(self, enrolment):
        base = f"/my/enrolments/{enrolment.pk}/questionnaires/"
        assert url("baseline", enrolment) == base + "baseline/"
        assert reverse("assessments:questionnaire", args=[enrolment.pk, Wave(6)]) == (
            base + "month_6/"
        )

    @pytest.mark.parametrize("wave", ["midway", "month_0", "month_61", "month_99", "BASELINE"])
    def test_an_unknown_wave_is_404(self, client, enrolment, wave):
        services.consent_record(enrolment=enrolment, consented=True)
        client.force_login(enrolment.user)
        page = client.get(f"/my/enrolments/{enrolment.pk}/questionnaires/{wave}/")
        assert page.status_code == 404

    def test_a_wave_not_on_the_runs_schedule_is_404(self, client, past_enrolment):
        with_baseline(past_enrolment)
        client.force_login(past_enrolment.user)
        assert client.get(url("month_6", past_enrolment)).status_code == 404
        assert client.post(url("month_6", past_enrolment), follow_up_post()).status_code == 404
        assert client.get(url("month_3", past_enrolment)).status_code == 200

    @pytest.mark.parametrize(("old", "wave"), [("baseline", "baseline"), ("follow-up", "month_3")])
    def test_the_addresses_of_the_two_wave_design_redirect(self, client, enrolment, old, wave):
        client.force_login(enrolment.user)
        page = client.get(f"/my/enrolments/{enrolment.pk}/{old}/")
        assert page.status_code == 302
        assert page["Location"] == url(wave, enrolment)


class TestLaterWaves:
    """A run with 3-, 6- and 12-month follow-ups; the 6-month one is open now."""

    def test_the_6_month_questionnaire_asks_the_follow_up_questions(self, client, waves_enrolment):
        with_baseline(waves_enrolment)
        client.force_login(waves_enrolment.user)
        html = client.get(url("month_6", waves_enrolment)).content.decode()
        assert "<title>6-month follow-up" in html
        assert "6 months after: your 6-month follow-up questionnaire</h1>" in html
        assert "Have you used the footstep resources" in html
        assert html.count("data-statement>") == 14
        assert "Your profession" not in html and "About you" not in html
        assert "3-month" not in html

    def test_answering_once_then_reviewing_while_open(self, client, waves_enrolment):
        with_baseline(waves_enrolment)
        client.force_login(waves_enrolment.user)
        posted = client.post(url("month_6", waves_enrolment), follow_up_post(s1="2"))
        assert posted.status_code == 302
        again = client.post(url("month_6", waves_enrolment), follow_up_post(s1="5"))
        assert "already submitted the 6-month follow-up questionnaire" in again.content.decode()
        review = client.get(url("month_6", waves_enrolment)).content.decode()
        assert 'name="revise" value="1"' in review and "Save my corrections" in review
        client.post(url("month_6", waves_enrolment), follow_up_post(s1="4", revise="1"))
        assert Response.objects.get(wave="month_6").s1 == 4
        assert not Response.objects.filter(wave__in=["month_3", "month_12"]).exists()

    def test_closed_and_future_waves_say_when(self, client, waves_enrolment):
        with_baseline(waves_enrolment)
        client.force_login(waves_enrolment.user)
        closed = client.get(url("month_3", waves_enrolment)).content.decode()
        assert "This questionnaire closed on" in closed and 'class="questionnaire"' not in closed
        future = client.get(url("month_12", waves_enrolment)).content.decode()
        assert "12 months after your last mandatory workshop. We will email you" in future
        assert 'class="questionnaire"' not in future

    def test_no_later_follow_up_without_a_baseline(self, client, waves_enrolment):
        services.consent_record(enrolment=waves_enrolment, consented=True)
        client.force_login(waves_enrolment.user)
        html = client.get(url("month_6", waves_enrolment)).content.decode()
        assert "We have no baseline questionnaire from you" in html
        assert 'class="questionnaire"' not in html
        client.post(url("month_6", waves_enrolment), follow_up_post())
        assert not Response.objects.exists()


def panel_items(html: str) -> dict[str, str]:
    """The dashboard's task list: each step's item by its name (baseline, month_6, ...)."""
    panel = html[html.index('<ul class="nhsuk-task-list"') :].split("</ul>", 1)[0]
    items = panel.split('<li class="nhsuk-task-list__item')[1:]
    return {re.search(r'data-step="([^"]+)"', item)[1]: item for item in items}


class TestDashboardPanel:
    def test_one_item_per_step_with_its_state(self, client, waves_enrolment):
        with_baseline(waves_enrolment)
        client.force_login(waves_enrolment.user)
        html = client.get(reverse("courses:dashboard")).content.decode()
        items = panel_items(html)
        assert list(items) == [
            "enrol",
            "baseline",
            "workshop_1",
            "workshop_2",
            "month_3",
            "month_6",
            "month_12",
            "certificate",
        ]
        assert "Sent" in items["baseline"] and url("chart", waves_enrolment) in items["baseline"]
        assert url("baseline", waves_enrolment) not in items["baseline"]  # closed: no review
        assert "Closed" in items["month_3"] and "It closed on" in items["month_3"]
        assert (
            "Due" in items["month_6"]
            and f'href="{url("month_6", waves_enrolment)}"' in items["month_6"]
        )
        assert (
            "Opens on" in items["month_12"]
            and url("month_12", waves_enrolment) not in items["month_12"]
        )
        assert (
            "Still to do: Attend both mandatory workshops. "
            "Submit the 3-month follow-up questionnaire." in items["certificate"]
        )
        # The next thing to do comes before the list, as a link.
        next_step = html[html.index("next-step") : html.index('<ul class="nhsuk-task-list"')]
        assert "Fill in the 6-month follow-up questionnaire until" in next_step
        assert f'href="{url("month_6", waves_enrolment)}"' in next_step

    def test_a_sent_wave_links_to_its_review_while_open(self, client, waves_enrolment):
        with_baseline(waves_enrolment)
        submit_follow_up(waves_enrolment, 6)
        client.force_login(waves_enrolment.user)
        html = client.get(reverse("courses:dashboard")).content.decode()
        six = panel_items(html)["month_6"]
        assert "Sent" in six and f'href="{url("month_6", waves_enrolment)}"' in six
        assert "You can review or correct your answers while it is open." in six
        assert "See your confidence chart" in html

    def test_follow_ups_wait_for_the_baseline(self, client, waves_enrolment):
        client.force_login(waves_enrolment.user)
        items = panel_items(client.get(reverse("courses:dashboard")).content.decode())
        assert sum("Follows the baseline questionnaire." in item for item in items.values()) == 3

    def test_the_certificate_once_the_first_follow_up_is_in(self, client, past_enrolment):
        with_baseline(past_enrolment)
        attend_workshops(past_enrolment)
        submit_follow_up(past_enrolment, 3)
        client.force_login(past_enrolment.user)
        items = panel_items(client.get(reverse("courses:dashboard")).content.decode())
        assert url("certificate", past_enrolment) in items["certificate"]
        assert "Download your certificate (PDF)" in items["certificate"]

    def test_the_schedules_cost_no_query_per_enrolment(self, client, trainee):
        def dashboard_queries() -> int:
            client.get(reverse("courses:dashboard"))  # warm the content cache
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("courses:dashboard")).status_code == 200
            return len(queries)

        client.force_login(trainee)
        with_baseline(factories.enrol(trainee, factories.make_course_run(follow_up_months=(3,))))
        one = dashboard_queries()
        for months in [(3, 6), (3, 6, 12), (6, 24)]:
            with_baseline(
                factories.enrol(trainee, factories.make_course_run(follow_up_months=months))
            )
        assert dashboard_queries() == one


class TestAccess:
    @pytest.mark.parametrize("name", ["consent", "baseline", "month_3", "chart", "certificate"])
    def test_another_trainee_gets_404(self, client, enrolment, other_trainee, name):
        with_baseline(enrolment)
        client.force_login(other_trainee)
        assert client.get(url(name, enrolment)).status_code == 404
        assert client.post(url(name, enrolment), baseline_post()).status_code in (404, 405)

    @pytest.mark.parametrize("name", ["consent", "baseline", "month_3", "chart", "certificate"])
    def test_anonymous_is_sent_to_sign_in(self, client, enrolment, name):
        page = client.get(url(name, enrolment))
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("account_login"))

    def test_unknown_enrolment_is_404(self, client, trainee):
        client.force_login(trainee)
        assert client.get(reverse("assessments:consent", args=[999999])).status_code == 404

    def test_dashboard_shows_the_questionnaires_panel(self, client, enrolment):
        client.force_login(enrolment.user)
        html = client.get(reverse("courses:dashboard")).content.decode()
        assert "Fill in the baseline questionnaire" in html
        assert url("consent", enrolment) in html
        with_baseline(enrolment)
        html = client.get(reverse("courses:dashboard")).content.decode()
        participant = Participant.objects.get()
        assert participant.code in html
        assert url("chart", enrolment) in html

    def test_dashboard_query_count_does_not_grow_with_enrolments(
        self, client, trainee, django_assert_max_num_queries
    ):
        for _ in range(3):
            enrolment = factories.enrol(trainee, factories.make_course_run())
            with_baseline(enrolment)
        client.force_login(trainee)
        with django_assert_max_num_queries(30):
            assert client.get(reverse("courses:dashboard")).status_code == 200


class TestInstrumentVersions:
    def test_answers_keep_their_wording_when_a_new_version_becomes_current(self, client, enrolment):
        from assessments.models import Instrument, Statement

        with_baseline(enrolment)
        old = Instrument.objects.get(is_current=True)
        old.is_current = False
        old.save()
        new = Instrument.objects.create(version=2, name="Reworded", is_current=True)
        for statement in old.statements.all():
            Statement.objects.create(
                instrument=new,
                code=statement.code,
                position=statement.position,
                footstep=statement.footstep,
                text=f"v2 wording of {statement.code}",
            )
        client.force_login(enrolment.user)
        review = client.get(url("baseline", enrolment)).content.decode()
        assert "understand pain and thus how self-management can be effective" in review
        assert "v2 wording" not in review
        assert Response.objects.get().instrument == old
        other = factories.enrol(factories.TraineeFactory(), enrolment.course_run)
        services.consent_record(enrolment=other, consented=True)
        client.force_login(other.user)
        fresh = client.get(url("baseline", other)).content.decode()
        assert "v2 wording of s1</legend>" in fresh


def test_trainers_course_runs_pages_link_each_run_to_its_follow_ups(client, trainer):
    runs = [factories.make_course_run() for _ in range(2)]
    client.force_login(trainer)
    for page in (reverse("courses:trainer_runs"), reverse("courses_course_runs:index")):
        html = client.get(page).content.decode()
        for run in runs:
            assert reverse("assessments:trainer_follow_ups", args=[run.pk]) in html
