"""allauth's sign-up form, taking as long for a registered email as for a new one.

With ``ACCOUNT_PREVENT_ENUMERATION`` a sign-up with a registered email answers like a new
one, but only a new account hashed its password: 12 ms against 256 ms told anyone which
emails have accounts. The registered path now hashes the password it was given too.
(A module of its own: allauth builds its form on ``accounts.forms.SignupDetailsForm``.)
"""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))  # the work set_password does
        return super().try_save(request)
