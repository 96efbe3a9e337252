"""Every rule of response_submit, consent, windows, the certificate and account deletion."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from assessments import selectors, services
from assessments.models import ITEM_CODES, Certificate, Participant, QuestionnaireDraft, Response
from assessments.selectors import (
    WindowState,
    baseline_window,
    follow_up_window,
    research_participants,
)
from assessments.validators import MESSAGES
from courses.waves import BASELINE, DEFAULT_FOLLOW_UP, Wave
from tests import factories
from tests.assessments.conftest import (
    attend_workshops,
    baseline_answers,
    follow_up_answers,
    opened,
    submit_follow_up,
    with_baseline,
)

pytestmark = pytest.mark.django_db


def submit_baseline(enrolment, **answers):
    return services.response_submit(
        enrolment=enrolment, wave="baseline", data=baseline_answers(**answers)
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def message_of(excinfo) -> str:
    """The first message not about one field."""
    return errors_of(excinfo)[NON_FIELD_ERRORS][0]


class TestConsent:
    def test_consent_creates_a_research_record_with_a_random_unambiguous_code(self, enrolment):
        participant = services.consent_record(enrolment=enrolment, consented=True)
        assert participant.has_consented
        assert len(participant.code) == 6
        assert not set(participant.code) & set("01OIL")
        assert enrolment.user.email.split("@")[0].upper() not in participant.code
        assert list(research_participants()) == [participant]

    def test_no_consent_keeps_a_personal_record_invisible_to_evaluators(self, enrolment):
        participant = services.consent_record(enrolment=enrolment, consented=False)
        submit_baseline(enrolment)
        assert not participant.has_consented
        assert not research_participants().exists()
        assert not Response.objects.filter(participant__in=research_participants()).exists()

    def test_withdrawing_consent_hides_the_record_and_answering_again_keeps_one_record(
        self, enrolment
    ):
        services.consent_record(enrolment=enrolment, consented=True)
        submit_baseline(enrolment)
        services.consent_record(enrolment=enrolment, consented=False)
        assert not Response.objects.filter(participant__in=research_participants()).exists()
        services.consent_record(enrolment=enrolment, consented=True)
        assert Participant.objects.count() == 1
        assert Response.objects.filter(participant__in=research_participants()).count() == 1

    def test_questionnaire_needs_the_consent_question_answered_first(self, enrolment):
        with pytest.raises(ValidationError) as excinfo:
            submit_baseline(enrolment)
        assert "consent" in errors_of(excinfo)[NON_FIELD_ERRORS][0]
        assert not Response.objects.exists()


class TestBaselineValidation:
    @pytest.fixture(autouse=True)
    def consented(self, enrolment):
        services.consent_record(enrolment=enrolment, consented=True)

    def test_valid_answers_are_stored_with_blank_statements_left_unanswered(self, enrolment):
        response = submit_baseline(enrolment, s2=None, s9="", years_experience="0.06")
        assert response.s1 == 3 and response.s2 is None and response.s9 is None
        assert str(response.years_experience) == "0.06"
        assert response.instrument.is_current

    def test_every_statement_blank_is_refused(self, enrolment):
        with pytest.raises(ValidationError) as excinfo:
            submit_baseline(enrolment, **dict.fromkeys(ITEM_CODES))
        assert errors_of(excinfo)["s1"] == [MESSAGES["form"]["all_blank"]]
        assert not Response.objects.exists()

    def test_sending_deletes_the_waves_draft_only(self, enrolment):
        for wave in (BASELINE, DEFAULT_FOLLOW_UP):
            QuestionnaireDraft.objects.create(enrolment=enrolment, wave=wave.name, answers={})
        submit_baseline(enrolment)
        assert list(QuestionnaireDraft.objects.values_list("wave", flat=True)) == ["month_3"]

    @pytest.mark.parametrize("rating", [0, 6, -1, 2.5, "7", "three", True])
    def test_rating_outside_1_to_5_is_refused(self, enrolment, rating):
        with pytest.raises(ValidationError) as excinfo:
            submit_baseline(enrolment, s4=rating)
        assert errors_of(excinfo)["s4"] == [MESSAGES["form"]["rating"]]
        assert not Response.objects.exists()

    @pytest.mark.parametrize("profession", ["", "astronaut", "Social prescriber"])
    def test_unknown_profession_is_refused(self, enrolment, profession):
        with pytest.raises(ValidationError) as excinfo:
            submit_baseline(enrolment, profession=profession)
        assert errors_of(excinfo)["profession"] == ["Choose your profession from the list."]
        assert not Response.objects.exists()

    def test_other_profession_needs_its_name(self, enrolment):
        with pytest.raises(ValidationError) as excinfo:
            submit_baseline(enrolment, profession="other", profession_other="  ")
        assert errors_of(excinfo)["profession_other"] == ["Tell us your profession."]
        response = submit_baseline(enrolment, profession="other", profession_other="Nurse")
        assert response.profession_other == "Nurse"

    @pytest.mark.parametrize(
        ("years", "message"),
        [
            ("-1", "Years of experience cannot be negative."),
            ("61", "More than 60 years is not plausible"),
            ("1e9", "More than 60 years is not plausible"),
            ("ten", "Enter a number of years"),
            ("NaN", "Enter a number of years"),
            ("", "Tell us how long"),
        ],
    )
    def test_negative_or_absurd_experience_is_refused(self, enrolment, years, message):
        with pytest.raises(ValidationError) as excinfo:
            submit_baseline(enrolment, years_experience=years)
        assert errors_of(excinfo)["years_experience"][0].startswith(message)
        assert not Response.objects.exists()

    def test_every_bad_field_is_reported_at_once(self, enrolment):
        with pytest.raises(ValidationError) as excinfo:
            submit_baseline(
                enrolment, s1=9, s14=0, profession="x", years_experience="-3", uses_resources=None
            )
        assert set(errors_of(excinfo)) == {
            "s1",
            "s14",
            "profession",
            "years_experience",
            "uses_resources",
        }

    def test_a_second_submission_is_refused_and_the_first_is_kept(self, enrolment):
        first = submit_baseline(enrolment, s1=2)
        with pytest.raises(ValidationError) as excinfo:
            submit_baseline(enrolment, s1=5)
        assert "already submitted the baseline" in errors_of(excinfo)[NON_FIELD_ERRORS][0]
        assert Response.objects.get() == first
        assert Response.objects.get().s1 == 2

    def test_answers_can_be_corrected_while_the_wave_is_open(self, enrolment):
        first = submit_baseline(enrolment, s1=2)
        corrected = services.response_submit(
            enrolment=enrolment, wave="baseline", data=baseline_answers(s1=5), revise=True
        )
        assert corrected.pk == first.pk
        assert Response.objects.get().s1 == 5

    def test_a_correction_with_a_bad_value_changes_nothing(self, enrolment):
        submit_baseline(enrolment, s1=2)
        with pytest.raises(ValidationError):
            services.response_submit(
                enrolment=enrolment,
                wave="baseline",
                data=baseline_answers(s1=5, s2=8),
                revise=True,
            )
        assert Response.objects.get().s1 == 2


class TestWindows:
    def test_baseline_closes_when_the_first_mandatory_workshop_starts(self, enrolment):
        services.consent_record(enrolment=enrolment, consented=True)
        first = factories.workshops(enrolment.course_run)[0].starts_at
        with pytest.raises(ValidationError) as excinfo:
            services.response_submit(
                enrolment=enrolment, wave="baseline", data=baseline_answers(), now=first
            )
        assert "The baseline questionnaire closed on" in errors_of(excinfo)[NON_FIELD_ERRORS][0]
        assert not Response.objects.exists()

    def test_a_trainer_can_extend_the_baseline(self, enrolment):
        run = enrolment.course_run
        first = factories.workshops(run)[0].starts_at
        run.baseline_closes_at = first + timedelta(days=3)
        run.save()
        services.consent_record(enrolment=enrolment, consented=True)
        services.response_submit(
            enrolment=enrolment,
            wave="baseline",
            data=baseline_answers(),
            now=first + timedelta(days=1),
        )
        assert Response.objects.count() == 1

    def test_follow_up_is_due_three_calendar_months_after_the_last_workshop(self, open_run):
        last = factories.workshops(open_run)[-1]
        window = follow_up_window(open_run, DEFAULT_FOLLOW_UP)
        assert window.opens_at == last.ends_at + relativedelta(months=3)
        assert window.closes_at - window.opens_at == timedelta(days=open_run.follow_up_window_days)
        assert window.state(last.ends_at) is WindowState.NOT_YET
        assert window.state(window.opens_at) is WindowState.OPEN
        assert window.state(window.closes_at) is WindowState.CLOSED

    def test_without_workshops_baseline_stays_open_and_follow_up_never_opens(self, db):
        run = factories.make_course_run(with_sessions=False)
        assert baseline_window(run).is_open()
        assert follow_up_window(run, DEFAULT_FOLLOW_UP).state() is WindowState.NOT_YET

    def test_follow_up_before_it_is_due_is_refused(self, enrolment):
        with_baseline(enrolment)
        with pytest.raises(ValidationError) as excinfo:
            services.response_submit(enrolment=enrolment, wave="month_3", data=follow_up_answers())
        assert "The 3-month follow-up questionnaire opens on" in message_of(excinfo)
        assert Response.objects.filter(wave="month_3").count() == 0

    def test_follow_up_after_it_closed_is_refused(self, past_enrolment):
        with_baseline(past_enrolment)
        closes = follow_up_window(past_enrolment.course_run, DEFAULT_FOLLOW_UP).closes_at
        with pytest.raises(ValidationError) as excinfo:
            services.response_submit(
                enrolment=past_enrolment,
                wave="month_3",
                data=follow_up_answers(),
                now=closes + timedelta(minutes=1),
            )
        assert "The 3-month follow-up questionnaire closed on" in message_of(excinfo)
        assert not Response.objects.filter(wave="month_3").exists()

    def test_a_closed_wave_cannot_be_corrected(self, past_enrolment):
        with_baseline(past_enrolment)
        with pytest.raises(ValidationError) as excinfo:
            services.response_submit(
                enrolment=past_enrolment, wave="baseline", data=baseline_answers(s1=1), revise=True
            )
        assert "can no longer be changed" in errors_of(excinfo)[NON_FIELD_ERRORS][0]
        assert Response.objects.get().s1 == 3


class TestFollowUp:
    def test_follow_up_is_stored_with_the_optional_sessions_attended(self, past_enrolment):
        with_baseline(past_enrolment)
        response = services.response_submit(
            enrolment=past_enrolment, wave="month_3", data=follow_up_answers(s3=None)
        )
        assert response.s1 == 4 and response.s3 is None
        assert response.resource_use == "used"
        assert response.optional_sessions_attended == 0

    def test_follow_up_without_a_baseline_is_refused(self, past_enrolment):
        services.consent_record(enrolment=past_enrolment, consented=True)
        with pytest.raises(ValidationError) as excinfo:
            services.response_submit(
                enrolment=past_enrolment, wave="month_3", data=follow_up_answers()
            )
        assert "no baseline questionnaire" in errors_of(excinfo)[NON_FIELD_ERRORS][0]
        assert not Response.objects.exists()

    def test_follow_up_needs_the_resource_question_and_valid_ratings(self, past_enrolment):
        with_baseline(past_enrolment)
        with pytest.raises(ValidationError) as excinfo:
            services.response_submit(
                enrolment=past_enrolment,
                wave="month_3",
                data=follow_up_answers(resource_use="maybe", s14=6),
            )
        assert set(errors_of(excinfo)) == {"resource_use", "s14"}
        assert not Response.objects.filter(wave="month_3").exists()

    def test_a_second_follow_up_is_refused(self, past_enrolment):
        with_baseline(past_enrolment)
        services.response_submit(enrolment=past_enrolment, wave="month_3", data=follow_up_answers())
        with pytest.raises(ValidationError) as excinfo:
            services.response_submit(
                enrolment=past_enrolment, wave="month_3", data=follow_up_answers(s1=1)
            )
        assert "already submitted the 3-month follow-up" in errors_of(excinfo)[NON_FIELD_ERRORS][0]
        assert Response.objects.get(wave="month_3").s1 == 4


class TestSchedules:
    """A run with 3-, 6- and 12-month follow-ups (6 open now, 3 closed, 12 not yet)."""

    def test_the_schedule_is_the_baseline_then_each_follow_up_in_time_order(self, waves_run):
        assert waves_run.schedule == [BASELINE, Wave(3), Wave(6), Wave(12)]
        assert waves_run.follow_ups == [Wave(3), Wave(6), Wave(12)]

    def test_a_new_run_without_follow_ups_gets_the_3_month_one(self, open_run):
        assert open_run.schedule == [BASELINE, DEFAULT_FOLLOW_UP]

    @pytest.mark.parametrize("months", [3, 6, 12])
    def test_each_wave_opens_at_its_month_and_stays_open_for_the_runs_window(
        self, waves_run, months
    ):
        last = factories.workshops(waves_run)[-1]
        window = follow_up_window(waves_run, Wave(months))
        assert window.opens_at == last.ends_at + relativedelta(months=months)
        assert window.closes_at == window.opens_at + timedelta(days=28)
        assert window.state(window.opens_at - timedelta(seconds=1)) is WindowState.NOT_YET
        assert window.state(window.opens_at) is WindowState.OPEN
        assert window.state(window.closes_at - timedelta(seconds=1)) is WindowState.OPEN
        assert window.state(window.closes_at) is WindowState.CLOSED

    def test_each_wave_is_answered_while_it_is_open_and_only_then(self, waves_enrolment):
        with_baseline(waves_enrolment)
        run = waves_enrolment.course_run
        with pytest.raises(ValidationError) as excinfo:
            submit_follow_up(waves_enrolment, 3)
        assert "The 3-month follow-up questionnaire closed on" in message_of(excinfo)
        with pytest.raises(ValidationError) as excinfo:
            submit_follow_up(waves_enrolment, 12)
        assert "The 12-month follow-up questionnaire opens on" in message_of(excinfo)
        six = submit_follow_up(waves_enrolment, 6, resource_use="would_use")
        twelve = submit_follow_up(waves_enrolment, 12, now=opened(run, 12), s1=5)
        assert (six.wave, six.resource_use) == ("month_6", "would_use")
        assert (twelve.wave, twelve.s1) == ("month_12", 5)
        assert sorted(Response.objects.values_list("wave", flat=True)) == [
            "baseline",
            "month_12",
            "month_6",
        ]

    def test_a_follow_up_asks_the_follow_up_questions_only(self, waves_enrolment):
        with_baseline(waves_enrolment)
        with pytest.raises(TypeError, match="profession"):
            services.response_submit(
                enrolment=waves_enrolment,
                wave="month_6",
                data={**follow_up_answers(), "profession": "social_prescriber"},
            )
        with pytest.raises(ValidationError) as excinfo:
            submit_follow_up(waves_enrolment, 6, resource_use="")
        assert set(errors_of(excinfo)) == {"resource_use"}
        assert not Response.objects.filter(wave="month_6").exists()

    @pytest.mark.parametrize("wave", ["month_6", "month_61", "midway", Wave(12)])
    def test_a_wave_not_on_the_runs_schedule_is_refused(self, past_enrolment, wave):
        with_baseline(past_enrolment)
        with pytest.raises(ValidationError) as excinfo:
            services.response_submit(enrolment=past_enrolment, wave=wave, data=follow_up_answers())
        assert errors_of(excinfo)[NON_FIELD_ERRORS] == [
            "This course run has no such questionnaire."
        ]
        assert Response.objects.count() == 1

    def test_the_old_name_follow_up_is_the_3_month_wave(self, past_enrolment):
        with_baseline(past_enrolment)
        response = services.response_submit(
            enrolment=past_enrolment, wave="follow_up", data=follow_up_answers()
        )
        assert response.wave == "month_3"

    def test_no_later_follow_up_without_a_baseline(self, waves_enrolment):
        services.consent_record(enrolment=waves_enrolment, consented=True)
        with pytest.raises(ValidationError) as excinfo:
            submit_follow_up(waves_enrolment, 6)
        assert "no baseline questionnaire" in message_of(excinfo)
        assert not Response.objects.exists()

    def test_one_response_per_wave_corrected_while_open(self, waves_enrolment):
        with_baseline(waves_enrolment)
        first = submit_follow_up(waves_enrolment, 6, s1=2)
        with pytest.raises(ValidationError) as excinfo:
            submit_follow_up(waves_enrolment, 6, s1=5)
        assert "already submitted the 6-month follow-up" in message_of(excinfo)
        corrected = services.response_submit(
            enrolment=waves_enrolment, wave="month_6", data=follow_up_answers(s1=4), revise=True
        )
        assert corrected.pk == first.pk
        assert Response.objects.get(wave="month_6").s1 == 4
        closes = follow_up_window(waves_enrolment.course_run, Wave(6)).closes_at
        with pytest.raises(ValidationError) as excinfo:
            services.response_submit(
                enrolment=waves_enrolment,
                wave="month_6",
                data=follow_up_answers(s1=1),
                revise=True,
                now=closes,
            )
        assert "can no longer be changed" in errors_of(excinfo)[NON_FIELD_ERRORS][0]
        assert Response.objects.get(wave="month_6").s1 == 4


class TestCertificate:
    def test_needs_only_the_first_follow_up_later_waves_never_delay_it(self, waves_enrolment):
        run = waves_enrolment.course_run
        with_baseline(waves_enrolment)
        attend_workshops(waves_enrolment)
        submit_follow_up(waves_enrolment, 6)
        assert selectors.certificate_eligibility(waves_enrolment) == [
            "Submit the 3-month follow-up questionnaire."
        ]
        submit_follow_up(waves_enrolment, 3, now=opened(run, 3))
        assert selectors.certificate_eligibility(waves_enrolment) == []  # month_12 unanswered
        assert services.certificate_issue(enrolment=waves_enrolment).enrolment == waves_enrolment

    def test_the_first_follow_up_is_the_earliest_whatever_the_order_they_were_added(self, db):
        run = factories.make_course_run(follow_up_months=(12, 6))

        def missing(*answered):
            return selectors.certificate_missing(run, mandatory_completed=True, answered=answered)

        assert missing() == ["Submit the 6-month follow-up questionnaire."]
        assert missing("baseline", "month_6") == []

    def test_needs_the_mandatory_part_and_the_follow_up(self, past_enrolment):
        with_baseline(past_enrolment)
        with pytest.raises(ValidationError) as excinfo:
            services.certificate_issue(enrolment=past_enrolment)
        assert excinfo.value.messages == [
            "Attend both mandatory workshops.",
            "Submit the 3-month follow-up questionnaire.",
        ]
        services.response_submit(enrolment=past_enrolment, wave="month_3", data=follow_up_answers())
        with pytest.raises(ValidationError):
            services.certificate_issue(enrolment=past_enrolment)
        assert not Certificate.objects.exists()

        attend_workshops(past_enrolment)
        certificate = services.certificate_issue(enrolment=past_enrolment)
        assert certificate.holder_name == past_enrolment.user.get_full_name()
        assert len(certificate.verification_code) == 12
        assert services.certificate_issue(enrolment=past_enrolment) == certificate

    def test_attendance_alone_is_not_enough(self, past_enrolment):
        with_baseline(past_enrolment)
        attend_workshops(past_enrolment)
        with pytest.raises(ValidationError) as excinfo:
            services.certificate_issue(enrolment=past_enrolment)
        assert excinfo.value.messages == ["Submit the 3-month follow-up questionnaire."]


class TestResearchRecordsAnonymise:
    def delete(self, user):
        services.research_records_anonymise(user=user)
        user.delete()

    def test_a_consenting_users_record_is_kept_with_no_link_back(self, past_enrolment):
        with_baseline(past_enrolment, consented=True)
        attend_workshops(past_enrolment)
        services.response_submit(enrolment=past_enrolment, wave="month_3", data=follow_up_answers())
        services.certificate_issue(enrolment=past_enrolment)
        user = past_enrolment.user
        code = Participant.objects.get().code

        self.delete(user)

        participant = Participant.objects.get()
        assert participant.code == code
        assert participant.enrolment is None
        assert participant.mandatory_completed is True
        assert participant.responses.count() == 2
        assert not get_user_model().objects.filter(pk=user.pk).exists()
        assert not Certificate.objects.exists()

    def test_a_non_consenting_users_record_and_responses_are_deleted(self, past_enrolment):
        with_baseline(past_enrolment, consented=False)
        self.delete(past_enrolment.user)
        assert not Participant.objects.exists()
        assert not Response.objects.exists()

    def test_other_trainees_are_untouched(self, past_enrolment, other_trainee):
        with_baseline(past_enrolment, consented=False)
        other = factories.enrol(other_trainee, past_enrolment.course_run)
        with_baseline(other, consented=False)
        self.delete(past_enrolment.user)
        assert Participant.objects.get().enrolment == other
