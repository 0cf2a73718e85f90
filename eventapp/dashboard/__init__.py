"""The organizer's dashboard (bảng điều hành): deadlines due with the units behind, work
waiting (moderation, review, extension requests), sessions running now with arrivals, a
year view of events, and each unit across events. The domains contribute through
``events.progress`` and ``dashboard.registry``."""


def init_app(app) -> None:
    """The dashboard pages (the organizer's home)."""
    # Imported here, not at the top, to break a real cycle: the domains import this
    # package's registry from their own init_app while the app is being built.
    from eventapp.dashboard import views

    app.register_blueprint(views.bp)
