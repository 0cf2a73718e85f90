"""Accounts: users, roles, login sessions and API tokens."""


def init_app(app) -> None:
    """Models and the login and account pages."""
    # Imported here, not at the top, to break a real cycle: other modules import this
    # package (its models, rules) while their own views and services are loading.
    from eventapp.accounts import models  # noqa: F401  (tables for migrations)
    from eventapp.accounts.rules import HINT
    from eventapp.accounts.views import bp

    app.register_blueprint(bp)
    app.jinja_env.globals["password_hint"] = HINT  # beside every new-password field
    from eventapp.accounts import auditing

    auditing.contribute(app)  # how the audit log reads its entries
