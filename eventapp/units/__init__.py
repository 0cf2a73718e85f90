"""Units (đơn vị): district unions, high schools, GDNN-GDTX centres that take part in events."""


def init_app(app) -> None:
    """Models and the organizer's unit pages."""
    from eventapp.units import models, views  # noqa: F401  (models: tables)

    app.register_blueprint(views.bp)
