"""Signals for other apps: sent once the transaction that changed the data has committed."""

from django.db import transaction
from django.dispatch import Signal

# Many research records changed at once: an import, a change of consent, an account
# deletion. Single questionnaire answers do not send it (see analytics.snapshots).
research_data_changed = Signal()


def research_data_changed_on_commit() -> None:
    transaction.on_commit(lambda: research_data_changed.send(sender=None))
