"""The privacy notice, accessibility statement and terms of use, published under the home page.

Every site needs them from its first day, so they come with ``migrate`` (like the home page)
rather than with the demo data; editors change them in the Wagtail admin afterwards. The
text is frozen here as it was first published. The organisation's name and contact address
are shown under each page from the Programme settings, so the text does not repeat them.
"""

import datetime

from django.db import migrations
from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, 4 characters a level
STEP = 4

PRIVACY = """
<p>This notice explains what the Ten Footsteps training platform holds about you, why, who
can see it, how long it is kept and what you can ask us to do. The organisation named at the
end of this page runs the platform and is the controller of your personal data under the UK
General Data Protection Regulation (UK GDPR) and the Data Protection Act 2018.</p>
<h2>What we hold</h2>
<ul>
<li><b>Your account</b>: your name (as printed on your certificate), your email address, your
password (stored only as a secure hash) and, for staff, an authenticator app.</li>
<li><b>Your training</b>: the course runs you enrolled on, the sessions you attended (from
the register the trainer takes) and the emails we sent you about them.</li>
<li><b>Your questionnaires</b>: your profession, years of experience, previous training, use of
self-management resources, your answers to the 14 confidence statements and any comments
you write, before the training and at each follow-up.</li>
<li><b>Your research choice</b>: whether you agreed to your answers being used for the
evaluation, when, and your random participant code.</li>
<li><b>Your certificate</b>: your name, the course run, the date it was issued, your CPD
hours and its verification code.</li>
<li><b>Security records</b>: the browsers where you are signed in, and an audit log of
important actions such as changes to the register, role changes, data exports and
account deletions.</li>
</ul>
<p>We do not use advertising or tracking cookies. The site sets only the cookies it needs
to work: one that keeps you signed in and one that protects forms from forgery.</p>
<h2>Why we hold it</h2>
<ul>
<li>To run the training you signed up for: your place on a course run, the joining links
and reminders for sessions, your confidence chart and your certificate. We need this data
to provide the training, so these parts cannot be turned off while you have an account.</li>
<li>To keep the platform secure and show who changed what.</li>
<li>To evaluate the training, only if you agree (see below).</li>
</ul>
<h2>Research use and your consent</h2>
<p>The programme is evaluated by comparing how confident trainees feel before the training
and some months after it. For each course run we ask whether your questionnaire answers may
be used for this. Saying no changes nothing about your training: you still answer the
questionnaires, see your chart and get your certificate, and your answers are kept only for
you.</p>
<p>If you agree, your answers are stored under a random participant code. The evaluators
see only that code, never your name, email address or account. Results are published only
as group figures, and small groups are hidden so nobody can be picked out. You can change
your mind at any time on the consent page of your course run.</p>
<h2>Who can see it</h2>
<ul>
<li>Trainers see the names and attendance of the people enrolled on the course runs.</li>
<li>Evaluators see the research records of people who agreed, under their codes only.</li>
<li>Anyone holding your certificate's verification code can check it on the public
verification page, which shows your name, the course run, the issue date and the CPD
hours.</li>
<li>Our hosting and email providers process data on our behalf under contract. We do not
sell your data or share it for marketing.</li>
</ul>
<h2>How long we keep it</h2>
<ul>
<li>Your account, enrolments, attendance and certificates: until you delete your account.</li>
<li>Research answers you agreed to share: for as long as the evaluation and its publications
need them. If you delete your account they are kept without any link to you; answers you
did not agree to share are deleted with your account.</li>
<li>The audit log: kept, with your name and account number removed when you delete your
account.</li>
<li>Files uploaded for an import and prepared downloads: deleted after a day.</li>
</ul>
<h2>Your rights</h2>
<p>You have the right to see the data we hold about you, to have it corrected, to have it
deleted, to restrict or object to its use, and to withdraw your research consent.</p>
<ul>
<li>Download everything we hold about you from <b>Account</b>, then <b>Your data</b>.</li>
<li>Delete your account from <b>Account</b>, then <b>Delete your account</b>.</li>
<li>Change your research choice on the consent page of your course run.</li>
</ul>
<p>For anything else, write to us at the address below. If you are unhappy with how we
handle your data you can complain to the Information Commissioner's Office
(<a href="https://ico.org.uk/make-a-complaint/">ico.org.uk/make-a-complaint</a>,
0303 123 1113).</p>
"""

ACCESSIBILITY = """
<p>This statement applies to the Ten Footsteps training platform: its public pages, the
trainee's pages (sign-up, dashboard, questionnaires, modules, chart and certificate) and the
trainer and evaluator pages. It is run by the organisation named at the end of this page.
We want as many people as possible to be able to use it. You should be able to:</p>
<ul>
<li>change colours, contrast levels and fonts using your browser or device settings;</li>
<li>zoom in up to 400% without the text spilling off the screen;</li>
<li>use every page on a phone 390 pixels wide;</li>
<li>get around every page using just a keyboard or speech recognition software;</li>
<li>use the pages with a screen reader.</li>
</ul>
<h2>How accessible the platform is</h2>
<p>We aim to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA.
We know some parts are not fully accessible:</p>
<ul>
<li><b>The editor used by trainers and staff.</b> Course content is written in Wagtail's own
administration interface, which we do not build. Some of its parts, such as the rich text
toolbar, the page and image choosers and drag-and-drop reordering, may not fully work with
a screen reader or speech recognition. Tell us if this stops you doing your work and we
will make the change for you or find another way.</li>
<li><b>PDF documents.</b> The certificate and the evaluation report are PDF files without
accessibility tags. The certificate's details are also on its verification web page, and
the report's figures are described in text under each one.</li>
<li><b>The confidence chart</b> is a picture; the table under it gives the same scores.</li>
<li><b>Online sessions</b> take place in video meeting software that we do not control.</li>
</ul>
<h2>What we test and how</h2>
<ul>
<li>Automated checks with axe-core, for WCAG 2.2 levels A and AA, on every page our browser
tests visit, on a 390 pixel phone screen and a 1280 pixel desktop screen; any violation
on our pages fails the tests.</li>
<li>Checks by hand of what automated tools cannot judge: using every page with a keyboard
alone, focus that is always visible and never hidden under sticky elements, targets of at
least 24 by 24 pixels, zoom to 400%, and sign-in steps that accept pasted codes and
password managers.</li>
</ul>
<h2>Asking for information in another format</h2>
<p>If you need information on this platform in a different format, such as an accessible
PDF, large print, easy read, audio or braille, or a session adjustment, write to us at the
address below. Say what you need and the page or document it is about. We will reply
within 5 working days.</p>
<h2>Reporting accessibility problems</h2>
<p>We are always looking to improve the platform. If you find a problem not listed here,
or think we are not meeting the requirements, write to us at the address below; we will
reply within 5 working days.</p>
<h2>Enforcement procedure</h2>
<p>The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public
Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If
you are not happy with how we respond to your complaint, contact the
<a href="https://www.equalityadvisoryservice.com/">Equality Advisory and Support Service
(EASS)</a>.</p>
<h2>Preparation of this statement</h2>
<p>This statement was prepared on 1 December 2026. The date it was last reviewed is shown
below.</p>
"""

TERMS = """
<p>These terms apply to everyone who uses the Ten Footsteps training platform, which is run
by the organisation named at the end of this page. By creating an account you accept them.
Our privacy notice explains how we use your data.</p>
<h2>Your account</h2>
<ul>
<li>The platform is for health and care professionals taking the Ten Footsteps to pain
self-management training, and for the trainers and evaluators of the programme.</li>
<li>One account per person. Give your real name as you want it printed on your
certificate, and keep your password and any authenticator to yourself.</li>
<li>Tell us at once if you think someone else has used your account.</li>
</ul>
<h2>The training</h2>
<ul>
<li>The modules are professional education. They are not medical advice for you or for the
people you support; use them within your own role and your organisation's policies.</li>
<li>Patient resources linked from the modules may be shared with the people you support,
as each resource allows.</li>
<li>Joining links for sessions are for enrolled trainees: please do not pass them on. Be
respectful to others in sessions; a trainer may remove anyone who is not.</li>
</ul>
<h2>Certificates and CPD hours</h2>
<ul>
<li>A certificate is issued once you have attended both mandatory workshops and answered
the baseline and first follow-up questionnaires.</li>
<li>It states 4 CPD hours for each mandatory workshop and 2 for each Q&amp;A session you
attended, as recorded on the register.</li>
<li>Anyone with its verification code can check it is genuine. Altering a certificate, or
presenting one that is not yours, is misuse and may be reported to your employer or
professional body.</li>
</ul>
<h2>Acceptable use</h2>
<p>Do not try to reach other people's data or parts of the platform your role does not
open, upload harmful files, overload the platform or collect its content automatically. We
may suspend an account that does.</p>
<h2>Availability and changes</h2>
<p>We try to keep the platform available and correct but cannot promise it will always be.
We may change the training, the platform or these terms; we will tell account holders by
email about changes that affect them. Nothing in these terms limits any liability that the
law does not allow us to limit.</p>
<p>These terms are governed by the law of England and Wales.</p>
"""

POLICIES = [
    ("privacy", "Privacy notice", "privacy", PRIVACY),
    ("accessibility", "Accessibility statement", "accessibility", ACCESSIBILITY),
    ("terms", "Terms of use", "terms", TERMS),
]


def _next_path(parent, siblings) -> str:
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    if last is None:
        return parent.path + ALPHABET[0] * (STEP - 1) + ALPHABET[1]
    number = int(last[-STEP:], 36) + 1
    digits = ""
    for _ in range(STEP):
        number, remainder = divmod(number, 36)
        digits = ALPHABET[remainder] + digits
    return last[:-STEP] + digits


def create_policy_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("home.HomePage")
    PolicyPage = apps.get_model("home.PolicyPage")

    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    content_type, _ = ContentType.objects.get_or_create(model="policypage", app_label="home")
    now = timezone.now()
    for kind, title, slug, body in POLICIES:
        if PolicyPage.objects.filter(kind=kind).exists():
            continue
        children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
        taken = set(children.values_list("slug", flat=True))
        while slug in taken:
            slug += "-page"
        PolicyPage.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=content_type,
            path=_next_path(home, children),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}{slug}/",
            locale_id=home.locale_id,
            live=True,
            first_published_at=now,
            last_published_at=now,
            kind=kind,
            body=body.strip(),
            last_reviewed=datetime.date(2026, 12, 1),
        )
        home.numchild += 1
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild)


def remove_policy_pages(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    PolicyPage = apps.get_model("home.PolicyPage")
    for page in PolicyPage.objects.filter(numchild=0):
        parent_path = page.path[:-STEP]
        page.delete()
        parent = Page.objects.get(path=parent_path)
        Page.objects.filter(pk=parent.pk).update(numchild=max(parent.numchild - 1, 0))


class Migration(migrations.Migration):
    dependencies = [("home", "0007_policy_pages_and_programme_settings")]
    operations = [migrations.RunPython(create_policy_pages, remove_policy_pages)]
