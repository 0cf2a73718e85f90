"""Audit log (nhật ký thay đổi): who changed what, when, with before/after of key fields."""

from eventapp.audit.services import changed, record, snapshot  # noqa: F401


def init_app(app) -> None:
    """Models and the organizer's audit log page."""
    # Imported here, not at the top, to break a real cycle: other modules import this
    # package (its models, rules) while their own views and services are loading.
    from eventapp.audit import models, views  # noqa: F401  (models: tables)

    app.register_blueprint(views.bp)
