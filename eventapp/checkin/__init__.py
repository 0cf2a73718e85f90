"""Check-in at the venue: scanner page, once per session, arrivals board, offline queue."""


def init_app(app) -> None:
    """Models, the staff and organizer pages, the door's API, the unit home line."""
    # Imported here, not at the top, to break a real cycle: other modules import this
    # package (its models, rules) while their own views and services are loading.
    from eventapp.checkin import api, models, summary, views  # noqa: F401  (models: tables)
    from eventapp.events import summaries

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    summaries.register(app, summary.checkin_summary)
    from eventapp.checkin import auditing

    auditing.contribute(app)  # how the audit log reads its entries
    from eventapp.checkin import live

    live.contribute(app)  # its figures on the organizer's dashboard
