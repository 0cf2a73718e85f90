"""Hướng dẫn: a short, printable guide per role (organizer, unit, check-in staff), linked
from the header; each step links to the real page that does it."""


def init_app(app) -> None:
    """The guide pages."""
    # Imported here, not at the top, like every domain: the views import the others' models.
    from eventapp.help import views

    app.register_blueprint(views.bp)
