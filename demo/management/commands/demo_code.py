import time

from django.core.management.base import BaseCommand, CommandError

from demo.mfa import NotADemoAccount, demo_code

# A code shown with less time left than this is hard to type in time, so wait for the next.
FRESH_SECONDS = 5


class Command(BaseCommand):
    help = (
        "Print the 6-digit code the demo authenticator app shows now, for the demo trainer, "
        "evaluator or admin (development only; the README lists the secret)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="a demo account, e.g. trainer@demo.tenfootsteps.org")

    def handle(self, *args, email: str, **options):
        try:
            code, left = demo_code(email, at=time.time())
            if left < FRESH_SECONDS:
                self.stderr.write(f"Waiting {left} s for a fresh code…")
                time.sleep(left)
                code, left = demo_code(email, at=time.time())
        except NotADemoAccount as error:
            raise CommandError(str(error)) from None
        self.stdout.write(code)
        self.stderr.write(f"Valid for {left} more seconds; each code signs in once.")
