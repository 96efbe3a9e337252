"""Random and hostile input at every form, every id in a URL and the import.

Whatever arrives, the answer is a clear error (or a valid save), never a 500, and a rejected
input leaves the database exactly as it was (every row of the watched tables compared).

Each class is a ``hypothesis.extra.django.TestCase``: its data is made once per class
(``setUpTestData``) and every generated example runs in its own transaction, rolled back
after it, so no example sees another's writes. (pytest fixtures would not be reset between
examples, hence no fixtures here.)
"""

import csv
import io
import re
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import URLResolver, get_resolver, reverse
from django.utils.html import escape
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from wagtail.models import Page

from accounts.models import AuditEvent
from assessments import import_services, services
from assessments.importing import COLUMNS
from assessments.models import (
    ITEM_CODES,
    RATING_MAX,
    RATING_MIN,
    YEARS_EXPERIENCE_MAX,
    Certificate,
    FollowUpEmail,
    ImportJob,
    Participant,
    QuestionnaireDraft,
    Response,
)
from assessments.validators import TEXT_MAX_LENGTH
from courses.models import Attendance, Enrolment
from tests import factories

hostile = settings(
    max_examples=30,
    deadline=None,
    database=None,  # no example database written into the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values people (and robots) actually send: numbers in every notation, other scripts'
# digits, NUL bytes, injections, formulas, very long and empty strings.
NASTY = [
    "",
    " ",
    "\t\r\n",
    "0",
    "-1",
    "6",
    "-0",
    "+3",
    "3.0",
    "3.5",
    "03",
    "0x3",
    "1_000",
    "1e308",
    "-1e308",
    "1e-308",
    "NaN",
    "-nan",
    "sNaN",
    "inf",
    "-Infinity",
    str(2**63),
    str(-(2**63) - 1),
    "9" * 400,
    "٣",  # Arabic-Indic three
    "³",  # superscript three: isdigit() but not a decimal
    "３",  # full-width three
    "Ⅲ",
    "\x00",
    "3\x00",
    "yes\x00",
    "' OR '1'='1",
    "1; DROP TABLE assessments_response; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request }}{% debug %}",
    '=HYPERLINK("https://evil.example")',
    "@SUM(A1)",
    "../../etc/passwd",
    "\u202egnp.exe",
    "😀" * 50,
    "x" * 100_000,
]
SCALAR = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers().map(str),
    st.floats().map(repr),
)
VALUE = st.one_of(SCALAR, st.lists(SCALAR, max_size=3))  # a list sends the key repeatedly
EXTRA_KEYS = st.dictionaries(st.text(min_size=1, max_size=12), VALUE, max_size=2)


def tampered(valid: dict) -> st.SearchStrategy[dict]:
    """``valid`` with some fields replaced by hostile values, some dropped, some added.

    Starting from a valid submission means the examples cover both outcomes: a save (when
    nothing, or something harmless, was changed) and a refusal.
    """
    fields = sorted(valid)

    def build(changes, dropped, extra):
        data = {**extra, **valid, **changes}
        return {key: value for key, value in data.items() if key not in dropped}

    return st.builds(
        build,
        st.dictionaries(st.sampled_from(fields), VALUE, max_size=4),
        st.sets(st.sampled_from(fields), max_size=2),
        EXTRA_KEYS,
    )


# The database, row by row ------------------------------------------------------------------

WATCHED = [
    get_user_model(),
    EmailAddress,
    Page,
    Enrolment,
    Attendance,
    Participant,
    Response,
    Certificate,
    FollowUpEmail,
    AuditEvent,
]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table a form or the import could write."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list()) for model in WATCHED
    }


def changed_tables(before: dict) -> list[str]:
    after = snapshot()
    return [label for label in before if before[label] != after[label]]


class HostileTestCase(TestCase):
    def setup_example(self):
        super().setup_example()
        cache.clear()  # allauth's rate limits count in the cache

    def assertUnchanged(self, before: dict) -> None:
        self.assertEqual(changed_tables(before), [], "a rejected input changed the database")

    def assertFormErrorsShown(self, response, form_key: str = "form") -> None:
        """The page lists the form's errors, each message readable on the page."""
        form = response.context[form_key]
        self.assertTrue(form.errors, "the input was refused without saying why")
        body = response.content.decode()
        for messages in form.errors.values():
            for message in messages:
                self.assertIn(escape(message), body)


# Accounts --------------------------------------------------------------------------------

STRONG = "A-long enough pass phrase 42"


class AccountFormTests(HostileTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = factories.TraineeFactory(email="known@example.org")

    @hostile
    @given(
        data=tampered(
            {
                "email": "new.person@example.org",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "password1": STRONG,
                "password2": STRONG,
            }
        )
    )
    def test_sign_up(self, data):
        before = snapshot()
        response = self.client.post(reverse("account_signup"), data)
        event("saved" if response.status_code == 302 else "refused")
        if response.status_code == 302:
            # Accepted: one new account (or, for a known email, none: no enumeration).
            users = get_user_model().objects.count() - len(before["auth.User"])
            self.assertIn(users, (0, 1))
            self.assertNotIn(
                "\x00", "".join(get_user_model().objects.values_list("email", flat=True))
            )
            return
        self.assertEqual(response.status_code, 200)
        self.assertFormErrorsShown(response)
        self.assertUnchanged(before)

    @hostile
    @given(data=tampered({"login": "known@example.org", "password": "not the password"}))
    def test_login(self, data):
        before = snapshot()
        response = self.client.post(reverse("account_login"), data)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertFormErrorsShown(response)
        self.assertUnchanged(before)

    @hostile
    @given(data=tampered({"email": "known@example.org"}))
    def test_password_reset(self, data):
        before = snapshot()
        response = self.client.post(reverse("account_reset_password"), data)
        self.assertIn(response.status_code, (200, 302))
        if response.status_code == 200:
            self.assertFormErrorsShown(response)
        self.assertUnchanged(before)

    @hostile
    @given(data=tampered({"password": "not the password"}))
    def test_account_deletion(self, data):
        self.client.force_login(self.user)
        before = snapshot()
        response = self.client.post(reverse("accounts:account_delete"), data)
        self.assertEqual(response.status_code, 400)
        self.assertFormErrorsShown(response)
        self.assertUnchanged(before)


# Consent and questionnaires --------------------------------------------------------------

BASELINE = {
    **dict.fromkeys(ITEM_CODES, "3"),
    "profession": "social_prescriber",
    "profession_other": "",
    "experience_amount": "2.5",
    "experience_unit": "years",
    "prior_training": "",
    "uses_resources": "no",
}
FOLLOW_UP = {
    **dict.fromkeys(ITEM_CODES, "4"),
    "resource_use": "used",
    "programme_feedback": "",
    "clinical_use": "",
}


class QuestionnaireTests(HostileTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.trainee = factories.TraineeFactory()
        # Baseline open: consented, nothing answered yet.
        cls.open_enrolment = factories.enrol(cls.trainee, factories.make_course_run())
        services.consent_record(enrolment=cls.open_enrolment, consented=True)
        # Consent not yet asked.
        cls.new_enrolment = factories.enrol(cls.trainee, factories.make_course_run())
        # Follow-up open: consented, baseline given before the first workshop.
        past_run = factories.make_course_run(first_workshop_in_days=-120)
        cls.past_enrolment = factories.enrol(cls.trainee, past_run)
        services.consent_record(enrolment=cls.past_enrolment, consented=True)
        services.response_submit(
            enrolment=cls.past_enrolment,
            wave="baseline",
            data={
                **dict.fromkeys(ITEM_CODES, 3),
                "profession": "pharmacist",
                "profession_other": "",
                "years_experience": "1",
                "prior_training": "",
                "uses_resources": True,
            },
            now=factories.workshops(past_run)[0].starts_at - timedelta(days=1),
        )

    def submit(self, name: str, enrolment: Enrolment, data: dict, *args):
        self.client.force_login(self.trainee)
        before = snapshot()
        response = self.client.post(reverse(name, args=[enrolment.pk, *args]), data)
        return before, response

    def assertNotSentWithReason(self, response, before: dict) -> None:
        """A questionnaire not sent says why: its errors, or the statements left blank (the
        trainee then answers them or sends anyway). Nothing but the draft changes, and the
        draft holds text only, without NUL."""
        self.assertEqual(response.status_code, 200)
        if response.context["unanswered"]:
            self.assertIn("You have not answered", response.content.decode())
        else:
            self.assertFormErrorsShown(response)
        self.assertUnchanged(before)
        self.assertDraftsAreSane()

    def assertDraftsAreSane(self) -> None:
        for draft in QuestionnaireDraft.objects.all():
            for field, value in draft.answers.items():
                self.assertIsInstance(value, str)
                self.assertNotIn("\x00", field + value)
                self.assertLessEqual(len(value), TEXT_MAX_LENGTH)

    def assertSavedResponseIsSane(self, before: dict, enrolment: Enrolment, wave: str) -> None:
        self.assertEqual(changed_tables(before), ["assessments.Response"])
        saved = Response.objects.get(participant__enrolment=enrolment, wave=wave)
        for rating in saved.ratings():
            self.assertTrue(rating is None or RATING_MIN <= rating <= RATING_MAX, rating)
        if wave == "baseline":
            self.assertTrue(0 <= saved.years_experience <= YEARS_EXPERIENCE_MAX)
            self.assertNotIn("\x00", saved.prior_training + saved.profession_other)
        else:
            self.assertNotIn("\x00", saved.programme_feedback + saved.clinical_use)

    @hostile
    @given(data=tampered({"consent": "yes"}))
    def test_consent(self, data):
        before, response = self.submit("assessments:consent", self.new_enrolment, data)
        event("saved" if response.status_code == 302 else "refused")
        if response.status_code == 302:
            self.assertEqual(changed_tables(before), ["assessments.Participant"])
            return
        self.assertEqual(response.status_code, 200)
        self.assertFormErrorsShown(response)
        self.assertUnchanged(before)

    @hostile
    @given(data=tampered(BASELINE))
    def test_baseline(self, data):
        before, response = self.submit(
            "assessments:questionnaire", self.open_enrolment, data, "baseline"
        )
        event("saved" if response.status_code == 302 else "refused")
        if response.status_code == 302:
            self.assertSavedResponseIsSane(before, self.open_enrolment, "baseline")
            return
        self.assertNotSentWithReason(response, before)

    @hostile
    @given(data=tampered(BASELINE))
    def test_draft(self, data):
        before, response = self.submit(
            "assessments:questionnaire_draft", self.open_enrolment, data, "baseline"
        )
        self.assertEqual(response.status_code, 200)
        self.assertUnchanged(before)
        self.assertDraftsAreSane()
        self.assertLessEqual(set(QuestionnaireDraft.objects.get().answers), set(BASELINE))

    @hostile
    @given(data=tampered(FOLLOW_UP))
    def test_follow_up(self, data):
        before, response = self.submit(
            "assessments:questionnaire", self.past_enrolment, data, "month_3"
        )
        event("saved" if response.status_code == 302 else "refused")
        if response.status_code == 302:
            self.assertSavedResponseIsSane(before, self.past_enrolment, "month_3")
            return
        self.assertNotSentWithReason(response, before)

    @hostile
    @given(
        # Few changes to valid answers, so that some are saved and most are refused.
        ratings=st.dictionaries(
            st.sampled_from(ITEM_CODES),
            st.one_of(
                st.sampled_from([None, 1, 5, "2", " 4 "]),
                st.booleans(),
                st.integers(),
                st.floats(),
                st.decimals(),
                SCALAR,
                st.lists(st.integers(), max_size=2),
            ),
            max_size=2,
        ),
        years=st.one_of(
            st.sampled_from([2, "0.5", Decimal("60")]),
            st.none(),
            st.integers(),
            st.floats(),
            st.decimals(),
            SCALAR,
        ),
        uses_resources=st.one_of(st.booleans(), st.none(), SCALAR),
        texts=st.tuples(
            st.one_of(st.just("Physiotherapist"), st.none(), SCALAR),
            st.one_of(st.just(""), st.none(), SCALAR),
        ),
    )
    @example(ratings={"s1": "³"}, years=1, uses_resources=True, texts=("GP", ""))
    @example(ratings={}, years=1, uses_resources=True, texts=("A\x00B", "x\x00"))
    def test_the_service_refuses_with_a_validation_error(
        self, ratings, years, uses_resources, texts
    ):
        """Callers other than the form (scripts, the demo) get the same clear refusals."""
        before = snapshot()
        data = {
            **dict.fromkeys(ITEM_CODES, 3),
            **ratings,
            "profession": "other",
            "profession_other": texts[0],
            "years_experience": years,
            "prior_training": texts[1],
            "uses_resources": uses_resources,
        }
        try:
            services.response_submit(enrolment=self.open_enrolment, wave="baseline", data=data)
        except ValidationError as error:
            event("refused")
            self.assertTrue(error.message_dict)
            self.assertUnchanged(before)
        else:
            event("saved")
            self.assertSavedResponseIsSane(before, self.open_enrolment, "baseline")

    def test_too_many_fields_or_too_much_data_is_a_400(self):
        self.client.force_login(self.trainee)
        url = reverse("assessments:questionnaire", args=[self.open_enrolment.pk, "baseline"])
        before = snapshot()
        many = {f"field{n}": "x" for n in range(1500)}
        self.assertEqual(self.client.post(url, many).status_code, 400)
        too_big = {"s1": "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
        self.assertEqual(self.client.post(url, too_big).status_code, 400)
        self.assertUnchanged(before)


# Enrolment, the attendance register, ids in URLs ------------------------------------------


def _id_routes() -> list[str]:
    """Every project route with an id or a code in it, as written (e.g. runs/<id:run_id>/)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif "<" in route and pattern.callback.__module__.startswith(
                ("home.", "accounts.", "courses.", "assessments.", "analytics.")
            ):
                yield route

    return sorted(set(walk(get_resolver().url_patterns)))


SEGMENT = st.one_of(
    st.integers(min_value=0, max_value=10**40).map(str),
    st.sampled_from(["-1", "0", "1e3", "%00", "..", "٣", "9" * 19, "9" * 18]),
    st.text(min_size=1, max_size=20).map(lambda s: quote(s, safe="")),
)


class EnrolmentAndRegisterTests(HostileTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.trainee = factories.TraineeFactory()
        cls.trainer = factories.TrainerFactory()
        cls.superuser = factories.UserFactory(is_superuser=True, is_staff=True)
        open_run = factories.make_course_run()
        closed_run = factories.make_course_run(enrolment_open=False)
        unpublished = factories.make_course_run()
        unpublished.unpublish()
        cls.past_run = factories.make_course_run(first_workshop_in_days=-60, enrolment_open=False)
        other_run = factories.make_course_run(first_workshop_in_days=-60, enrolment_open=False)
        factories.enrol(cls.trainee, open_run)
        cls.session = factories.workshops(cls.past_run)[0]
        cls.own_ids = [
            factories.enrol(factories.TraineeFactory(), cls.past_run).pk for _ in range(3)
        ]
        cls.other_ids = [
            factories.enrol(factories.TraineeFactory(), other_run).pk for _ in range(2)
        ]
        cls.run_ids = [open_run.pk, closed_run.pk, unpublished.pk, cls.session.pk, cls.past_run.pk]

    @hostile
    @given(
        run_id=st.one_of(st.none(), SEGMENT),  # None: one of the runs below
        pick=st.integers(min_value=0, max_value=4),
        data=EXTRA_KEYS,
    )
    @example(run_id="9" * 19, pick=0, data={})  # beyond 64 bits: SQLite raised OverflowError
    def test_enrol(self, run_id, pick, data):
        """Already enrolled, closed, unpublished, not a run, not an id: nothing is written."""
        segment = str(self.run_ids[pick]) if run_id is None else run_id
        self.client.force_login(self.trainee)
        before = snapshot()
        response = self.client.post(f"/runs/{segment}/enrol/", data)
        self.assertIn(response.status_code, (302, 404))
        self.assertUnchanged(before)

    @hostile
    @given(
        attended=st.lists(
            st.one_of(
                st.sampled_from(["own", "other"]),
                SCALAR,
            ),
            max_size=6,
        ),
        pick=st.integers(min_value=0, max_value=10),
    )
    def test_register(self, attended, pick):
        ids = {"own": self.own_ids[pick % 3], "other": self.other_ids[pick % 2]}
        values = [str(ids.get(value, value)) for value in attended]
        self.client.force_login(self.trainer)
        before = snapshot()
        response = self.client.post(
            reverse("courses:register", args=[self.session.pk]), {"attended": values}
        )
        event("saved" if response.status_code == 302 else "refused")
        if response.status_code == 302:
            marked = set(
                Attendance.objects.filter(session=self.session).values_list(
                    "enrolment_id", flat=True
                )
            )
            self.assertEqual({str(pk) for pk in marked}, set(values))
            self.assertTrue(set(values) <= {str(pk) for pk in self.own_ids})
            return
        self.assertEqual(response.status_code, 400)
        self.assertFormErrorsShown(response)
        self.assertUnchanged(before)

    @hostile
    @given(
        route=st.sampled_from(_id_routes()),
        segment=SEGMENT,
        method=st.sampled_from(["get", "post"]),
        who=st.sampled_from(["trainee", "superuser"]),
    )
    @example(
        route="trainer/sessions/<id:session_id>/register/",
        segment="9" * 30,
        method="post",
        who="superuser",
    )
    @example(route="certificates/<str:code>/", segment="A%00B", method="get", who="trainee")
    def test_any_id_or_code_in_any_url(self, route, segment, method, who):
        self.client.force_login(getattr(self, who))
        path = "/" + re.sub(r"<(?:\w+:)?\w+>", segment, route)
        response = getattr(self.client, method)(path)
        self.assertIn(response.status_code, (200, 302, 400, 403, 404, 405), path)


# Importing a register from a meeting's attendance report --------------------------------

REPORT_HEADERS = [
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest",
    "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole",
    "Name,Email,Duration",
]
REPORT_CELL = st.one_of(
    st.sampled_from(["ana@nhs.example", "10/01/2026 09:00:00 AM", "1h 5m", "240", "", "No"]),
    SCALAR,
)


@st.composite
def attendance_reports(draw) -> bytes:
    """A report's header (or rubbish) and rows of plausible and hostile cells, encoded."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=2000))
    header = draw(st.one_of(st.sampled_from(REPORT_HEADERS), SCALAR))
    delimiter = "\t" if "\t" in header else ","
    rows = draw(st.lists(st.lists(REPORT_CELL, max_size=7), max_size=6))
    text = "\n".join([header, *(delimiter.join(row) for row in rows)])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]))
    return text.encode(encoding, errors="replace")


class AttendanceImportTests(HostileTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.trainer = factories.TrainerFactory()
        run = factories.make_course_run(first_workshop_in_days=-3)
        cls.session = factories.workshops(run)[0]
        cls.enrolment = factories.enrol(factories.TraineeFactory(email="ana@nhs.example"), run)

    @hostile
    @given(data=attendance_reports(), share=st.one_of(st.just("75"), SCALAR))
    @example(data=b"Name,Email,Duration\nAna,ana@nhs.example,240\n", share="75")
    @example(data="Name\tEmail\tDuration\nAna\tana@nhs.example\t4h\n".encode("utf-16"), share="1")
    def test_upload(self, data, share):
        """Any file: a preview (nothing saved yet) or a clear refusal; never a 500."""
        self.client.force_login(self.trainer)
        before = snapshot()
        response = self.client.post(
            reverse("courses:register_import", args=[self.session.pk]),
            {"file": SimpleUploadedFile("report.csv", data), "share_percent": share},
        )
        event(f"status {response.status_code}")
        self.assertIn(response.status_code, (200, 400))
        if response.status_code == 200:
            self.assertIn("Nothing is saved yet", response.content.decode())
        if response.status_code == 400:
            self.assertFormErrorsShown(response, "upload")
        self.assertUnchanged(before)

    @hostile
    @given(data=tampered({"attended": "1", "opened": "", "preview": "x"}))
    def test_confirm(self, data):
        """A confirmation without a genuine preview saves nothing."""
        self.client.force_login(self.trainer)
        before = snapshot()
        response = self.client.post(
            reverse("courses:register_import_confirm", args=[self.session.pk]), data
        )
        self.assertEqual(response.status_code, 400)
        self.assertUnchanged(before)


# Evaluation dashboard and downloads ------------------------------------------------------


class AnalyticsTests(HostileTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.evaluator = factories.EvaluatorFactory()
        factories.make_course_run(slug="york-2021")

    @hostile
    @given(
        course_runs=st.lists(st.one_of(st.just("york-2021"), SCALAR), max_size=4),
        name=st.sampled_from(["course_run", "cohort"]),  # "cohort": the old name, still read
        extra=EXTRA_KEYS,
    )
    def test_dashboard_parameters(self, course_runs, name, extra):
        self.client.force_login(self.evaluator)
        before = snapshot()
        response = self.client.get(reverse("analytics:dashboard"), {**extra, name: course_runs})
        self.assertIn(response.status_code, (200, 400))
        if response.status_code == 400:
            self.assertFormErrorsShown(response)
        self.assertUnchanged(before)

    @hostile
    @given(
        what=st.one_of(
            st.sampled_from(["statistics", "responses", "spider-chart", "flow-diagram"]), SCALAR
        ),
        file_format=st.one_of(
            st.sampled_from(["json", "csv", "xlsx", "sav", "png", "pdf"]), SCALAR
        ),
        course_run=SCALAR.filter(lambda value: value != "york-2021"),
    )
    def test_downloads_with_odd_formats_and_runs(self, what, file_format, course_run):
        """Unknown downloads are 404, unknown runs 400; neither is built nor audited."""
        self.client.force_login(self.evaluator)
        before = snapshot()
        path = f"/evaluation/download/{quote(what, safe='')}.{quote(file_format, safe='')}"
        response = self.client.get(path, {"course_run": course_run})
        self.assertIn(response.status_code, (400, 404))
        self.assertUnchanged(before)


# Certificates ----------------------------------------------------------------------------


class CertificateVerifyTests(HostileTestCase):
    @classmethod
    def setUpTestData(cls):
        enrolment = factories.enrol(factories.TraineeFactory(), factories.make_course_run())
        cls.certificate = Certificate.objects.create(
            enrolment=enrolment,
            verification_code="7K3M9P2QXWAB",
            holder_name="Ada Lovelace",
            course_run_title="Course run",
        )

    @hostile
    @given(code=st.one_of(SCALAR, st.just("7k3m-9p2q-xwab")))
    @example(code="7K3M\x009P2Q")  # PostgreSQL refused the query (a 500)
    def test_verify(self, code):
        before = snapshot()
        genuine = code.strip().upper().replace("-", "") == self.certificate.verification_code
        by_query = self.client.get(reverse("assessments:certificate_verify"), {"code": code})
        self.assertIn(by_query.status_code, (200, 404))
        self.assertEqual(genuine, "This certificate is genuine" in by_query.content.decode())
        by_path = self.client.get(f"/certificates/{quote(code, safe='')}/")
        self.assertIn(by_path.status_code, (200, 404))
        self.assertUnchanged(before)


# The import: service, command, admin form ------------------------------------------------

GOOD_CELLS = {
    "participant_code": ["P1", "P2", "AB-12", "x_9"],  # P1 exists, on york-2021
    "wave": ["baseline", "follow_up", "BASELINE"],
    "mandatory_completed": ["yes", "no", "Yes"],
    "profession": ["GP", "link worker", "Physiotherapist", ""],
    "years_experience": ["2", "0.5", "", "60"],
    **{code: ["1", "3", "5", ""] for code in ITEM_CODES},
}
BAD_CELLS = ["TOOLONGCODE123", "P 1", "follow-up", "maybe", "61", "-1", "6", "3.0", "³"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "utf-32"]


@st.composite
def csv_files(draw) -> bytes:
    """CSV files near the expected shape: valid rows with a few bad cells, odd headers,
    line endings and encodings."""
    header = draw(
        st.one_of(
            st.just(COLUMNS),
            st.permutations(COLUMNS),
            st.just([c.upper() for c in COLUMNS]),
            st.lists(st.sampled_from([*COLUMNS, "name", ""]), max_size=22),
        )
    )
    good_row = st.fixed_dictionaries(
        {column: st.sampled_from(GOOD_CELLS.get(column.lower(), [""])) for column in header}
    )
    bad_cells = st.one_of(
        st.just({}),
        st.dictionaries(
            st.sampled_from(header or [""]),
            st.one_of(st.sampled_from(BAD_CELLS), SCALAR),
            min_size=1,
            max_size=2,
        ),
    )
    rows = draw(st.lists(st.tuples(good_row, bad_cells), max_size=3))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])))
    writer.writerow(header)
    for row, bad in rows:
        writer.writerow([{**row, **bad}.get(column, "") for column in header])
    encoding = draw(st.one_of(st.just("utf-8"), st.sampled_from(ENCODINGS)))
    return text.getvalue().encode(encoding, errors="replace")


HUGE_FIELD = ",".join(COLUMNS).encode() + b"\r\nP1,baseline,yes," + b"x" * 200_000 + b",\r\n"
CONTENT = st.one_of(csv_files(), st.one_of(st.binary(max_size=2000), st.just(HUGE_FIELD)))
# Cells PostgreSQL cannot store, or that only look like numbers; both were accepted once.
NUL_IN_A_CELL = ",".join(COLUMNS).encode() + b"\nP1,baseline,yes,Physio\x00therapist,2" + b",3" * 14
SUPERSCRIPT_RATING = (
    ",".join(COLUMNS).encode() + b"\nP1,baseline,yes,GP,2" + b",3" * 13 + ",³".encode()
)
COURSE_RUN = st.one_of(st.sampled_from(["york-2021", "new-run-2024"]), SCALAR)
# Messages meant for programmers, not for the person importing the file.
INTERNAL = re.compile(r"invalid literal|codec|Traceback|Error\(|object has no attribute")


class ImportTests(HostileTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.evaluator = factories.EvaluatorFactory()
        run = factories.make_course_run(slug="york-2021")
        factories.make_participant(run, code="P1")

    def assertImported(self, before: dict, plan) -> None:
        self.assertEqual(
            Response.objects.count() - len(before["assessments.Response"]), plan.row_count
        )

    def assertClearErrors(self, errors) -> None:
        self.assertTrue(errors)
        for error in errors:
            self.assertTrue(str(error).strip())
            self.assertIsNone(INTERNAL.search(str(error)), str(error))

    @settings(hostile, max_examples=50)  # cheap, and most files are refused early
    @given(content=CONTENT, course_run=COURSE_RUN)
    @example(content=NUL_IN_A_CELL, course_run="new-run-2024")
    @example(content=SUPERSCRIPT_RATING, course_run="new-run-2024")
    # A refused course-run name is never sent to the database (PostgreSQL refuses NUL).
    @example(content=SUPERSCRIPT_RATING, course_run="\x00")
    def test_service(self, content, course_run):
        before = snapshot()
        plan = import_services.responses_import(content=content, course_run_slug=course_run)
        event("imported" if plan.ok else "refused")
        if plan.ok:
            self.assertImported(before, plan)
        else:
            self.assertClearErrors(plan.errors)
            self.assertUnchanged(before)

    @settings(hostile, max_examples=20)
    @given(content=CONTENT, course_run=COURSE_RUN.filter(lambda value: "\x00" not in value))
    def test_command(self, content, course_run):
        before = snapshot()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "responses.csv"
            path.write_bytes(content)
            out, err = io.StringIO(), io.StringIO()
            try:
                call_command(
                    "import_responses",
                    str(path),
                    f"--course-run={course_run}",
                    stdout=out,
                    stderr=err,
                )
            except CommandError as error:
                self.assertIn("nothing was imported", str(error))
                self.assertClearErrors(err.getvalue().splitlines())
                self.assertUnchanged(before)
            else:
                self.assertIn("Imported", out.getvalue())

    @hostile
    @given(
        content=CONTENT,
        course_run=COURSE_RUN,
        filename=st.sampled_from(["responses.csv", "../../x.csv", "x" * 300 + ".csv", "💥.csv"]),
    )
    @example(content=NUL_IN_A_CELL, course_run="new-run-2024", filename="responses.csv")
    def test_admin_upload_then_confirm(self, content, course_run, filename):
        """The check writes nothing; confirming imports exactly what was previewed."""
        self.client.force_login(self.evaluator)
        url = reverse("assessments_import:index")
        before = snapshot()
        sent = self.client.post(
            url, {"file": SimpleUploadedFile(filename, content), "course_run": course_run}
        )
        self.assertUnchanged(before)
        if sent.status_code == 200:  # the form refused it: no job
            self.assertFormErrorsShown(sent)
            return
        self.assertEqual(sent.status_code, 302)
        job = ImportJob.objects.latest("pk")
        preview = self.client.get(sent["Location"])
        self.assertEqual(preview.status_code, 200)
        if job.failed:
            self.assertClearErrors([error["message"] for error in job.errors] or [job.result])
        confirm = self.client.post(sent["Location"], {"confirm": "1"})
        self.assertEqual(confirm.status_code, 302)
        if job.status == ImportJob.Status.CHECKED:
            rows = sum(n for _, n in job.preview_waves)
            self.assertEqual(Response.objects.count() - len(before["assessments.Response"]), rows)
        else:
            self.assertUnchanged(before)
