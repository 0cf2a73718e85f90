"""Events: the event, its sessions, participating units, deadlines, quotas and topics."""


def init_app(app) -> None:
    """Models, the event pages and tabs, and ``GET /api/v1/events/<slug>``."""
    from eventapp.events import api, models, views  # noqa: F401  (models: tables)

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
