from django.utils.functional import SimpleLazyObject

from accounts.roles import is_evaluator, is_trainee, is_trainer, landing_url


def roles(request):
    """Navigation needs to know which role-specific links to show."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        # A query, so only when a template asks.
        "user_is_trainee": SimpleLazyObject(lambda: is_trainee(user)),
        "user_landing_url": SimpleLazyObject(lambda: landing_url(user)),
        "user_is_trainer": is_trainer(user),
        "user_is_evaluator": is_evaluator(user),
    }
