from accounts.roles import is_evaluator, is_trainee, is_trainer


def roles(request):
    """Navigation needs to know which role-specific links to show."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "user_is_trainee": is_trainee(user),
        "user_is_trainer": is_trainer(user),
        "user_is_evaluator": is_evaluator(user),
    }
