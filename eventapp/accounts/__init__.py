"""Accounts: users, roles, login sessions and API tokens."""


def init_app(app) -> None:
    """Models and the login and account pages."""
    from eventapp.accounts import models  # noqa: F401  (tables for migrations)
    from eventapp.accounts.views import bp

    app.register_blueprint(bp)
