"""Account pages: the one login path for the admins, personal data download and deletion."""

import json
from urllib.parse import urlencode

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import personal_data
from accounts.forms import AccountDeleteForm, EmailPreferenceForm
from accounts.models import AuditEvent, EmailPreference
from accounts.security import is_own_path
from accounts.services import account_delete, audit_record, email_preference_set


@require_GET
def admin_login(request):
    """Wagtail's and Django admin's login pages: forward to allauth, keeping a safe ?next=.

    A signed-in user only lands here when the admin refused them, so they get a 403 instead
    of a login page that would send them straight back (a redirect loop).
    """
    if request.user.is_authenticated:
        return render(request, "accounts/no_admin_access.html", status=403)
    target = reverse("account_login")
    next_url = request.GET.get("next", "")
    if is_own_path(next_url):
        target = f"{target}?{urlencode({'next': next_url})}"
    return redirect(target)


@login_required
@require_GET
def account(request):
    preference = EmailPreference.objects.filter(user=request.user).first()
    return render(
        request,
        "accounts/account.html",
        {"email_form": EmailPreferenceForm(instance=preference or EmailPreference())},
    )


@login_required
@require_POST
def email_preferences(request):
    """The account page's email choices (a checkbox: absent from the POST means off)."""
    form = EmailPreferenceForm(request.POST)
    form.is_valid()  # a boolean field: any POST is valid
    reminders = form.cleaned_data["session_reminders"]
    email_preference_set(user=request.user, session_reminders=reminders)
    messages.success(
        request,
        "We will email you the day before each session."
        if reminders
        else "We will not email you session reminders.",
    )
    return redirect("accounts:account")


@login_required
@require_GET
def account_data(request):
    """Everything the platform holds about the signed-in user, as a JSON download."""
    data = {
        "generated_at": timezone.now(),
        "about": "Everything Ten Footsteps holds about you, one list per kind of record.",
        "records": personal_data.export_user_data(request.user),
    }
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        summary=f"Personal data download by user #{request.user.pk}",
        subject_id=request.user.pk,
        anonymised_summary="Personal data download by a deleted account",
    )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="ten-footsteps-my-data.json"'
    return response


TOO_MANY_ATTEMPTS = (
    "Too many attempts: nothing was deleted. Wait a minute, then enter your password again."
)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request):
    # Bound on every POST, even an empty one, so a missing password is an error, not a no-op.
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    status = 200
    if request.method == "POST":
        # Each POST is a password guess (and a right one deletes): limited like password change.
        if not ratelimit.consume(request, action="delete_account", user=request.user):
            form.add_error(None, TOO_MANY_ATTEMPTS)
            status = 429
        elif form.is_valid():
            account_delete(user=request.user)
            logout(request)
            messages.success(request, "Your account has been deleted.")
            return redirect("/")
        else:
            status = 400
    return render(
        request,
        "accounts/account_delete.html",
        {"form": form, "holdings": personal_data.holdings(request.user)},
        status=status,
    )
