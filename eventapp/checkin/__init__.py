"""Check-in at the venue: scanner page, once per session, arrivals board, offline queue."""


def init_app(app) -> None:
    """Models, the staff and organizer pages, the door's API, the unit home line."""
    from eventapp.checkin import api, models, summary, views  # noqa: F401  (models: tables)
    from eventapp.events import summaries

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    summaries.register(app, summary.checkin_summary)
