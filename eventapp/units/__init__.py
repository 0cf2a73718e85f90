"""Units (đơn vị): district unions, high schools, GDNN-GDTX centres that take part in events."""


def init_app(app) -> None:
    """Models, the organizer's unit pages, the unit kinds' page, ``GET /api/v1/unit-kinds``,
    ``GET /api/v1/units/<code>/history`` and the rename-unit / merge-unit commands."""
    # Imported here, not at the top, to break a real cycle: other modules import this
    # package (its models, rules) while their own views and services are loading.
    from eventapp.units import api, cli, models, views  # noqa: F401  (models: tables)

    app.register_blueprint(views.bp)
    app.register_blueprint(views.kinds_bp)
    app.register_blueprint(views.unit_bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(cli.bp)
    from eventapp.units import auditing

    auditing.contribute(app)  # how the audit log reads its entries
