"""Audit log (nhật ký thay đổi): who changed what, when, with before/after of key fields."""

from eventapp.audit.services import changed, record, snapshot  # noqa: F401


def init_app(app) -> None:
    """Models and the organizer's audit log page."""
    from eventapp.audit import models, views  # noqa: F401  (models: tables)

    app.register_blueprint(views.bp)
