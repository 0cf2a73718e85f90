"""Events: the event, its sessions, participating units, topics and categories; the registries
through which each domain contributes its deadline kind and its per-event settings."""


def init_app(app) -> None:
    """Models, the event pages and tabs, and ``GET /api/v1/events/<slug>``."""
    # Imported here, not at the top, to break a real cycle: other modules import this
    # package (its models, rules) while their own views and services are loading.
    from eventapp.events import api, models, services, views  # noqa: F401  (models: tables)
    from eventapp.units import kinds

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    kinds.register_use(app, services.kind_in_use)
    from eventapp.events import auditing

    auditing.contribute(app)  # how the audit log reads its entries
