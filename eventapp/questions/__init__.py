"""Questions for the dialogue (câu hỏi, tâm tư, đề xuất): quotas, moderation, dialogue view."""


def init_app(app) -> None:
    """Models, the pages (unit, board, moderation, dialogue), the API, the unit home line."""
    from eventapp.events import summaries
    from eventapp.questions import api, models  # noqa: F401  (models: tables)
    from eventapp.questions.views import board, bp, dialogue, moderation, unit  # noqa: F401

    app.register_blueprint(bp)  # the four view modules above add their routes to it
    app.register_blueprint(api.bp)
    summaries.register(app, unit.questions_summary)
