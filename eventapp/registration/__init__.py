"""Delegate registration: attendees, caps, check-in codes, invitations and badges."""


def init_app(app) -> None:
    """Models, the attendee and printing pages, the API, the unit home line."""
    from eventapp.events import summaries
    from eventapp.registration import api, models  # noqa: F401  (models: tables)
    from eventapp.registration.views import attendees, bp, documents  # noqa: F401

    app.register_blueprint(bp)  # attendees and documents add their routes to it
    app.register_blueprint(api.bp)
    summaries.register(app, attendees.registration_summary)
