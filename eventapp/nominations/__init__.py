"""Honoring nominations (hồ sơ đề nghị vinh danh) and the eligibility engine."""


def init_app(app) -> None:
    """Models, the unit's and the organizer's pages, ``flask eligibility``, the API, the
    unit home line."""
    from eventapp.events import summaries
    from eventapp.nominations import api, cli, models  # noqa: F401  (cli: on the blueprint)
    from eventapp.nominations.views import bp, review, unit  # noqa: F401

    app.register_blueprint(bp)  # the view modules and the CLI above add to it
    app.register_blueprint(api.bp)
    summaries.register(app, unit.nominations_summary)
