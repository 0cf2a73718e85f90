"""Questions for the dialogue (câu hỏi, tâm tư, đề xuất): quotas, moderation, dialogue view."""


def init_app(app) -> None:
    """Models, the pages (unit, board, moderation, dialogue), the API, the unit home line,
    the event settings part and deadline kind."""
    # Imported here, not at the top, to break a real cycle: other modules import this
    # package (its models, rules) while their own views and services are loading.
    from eventapp.events import summaries
    from eventapp.questions import api, models, settings  # noqa: F401  (models: tables)
    from eventapp.questions.views import board, bp, dialogue, moderation, unit  # noqa: F401

    app.register_blueprint(bp)  # the four view modules above add their routes to it
    app.register_blueprint(api.bp)
    summaries.register(app, unit.questions_summary)
    from eventapp.questions import auditing

    auditing.contribute(app)  # how the audit log reads its entries
    settings.contribute(app)  # quotas and deadline: the event form, JSON, deadline kind
    from eventapp.messages.audiences import register_audience
    from eventapp.questions.board import below_minimum

    register_audience(
        app, "below_question_minimum", "Đơn vị chưa gửi đủ số câu hỏi tối thiểu", below_minimum,
        deadline=settings.DEADLINE, placeholders=("da_gui", "toi_thieu", "con_thieu"),
        reminder="Kính gửi {don_vi},\nĐơn vị đã gửi {da_gui}/{toi_thieu} câu hỏi, còn thiếu "
                 "{con_thieu} câu. Hạn chót gửi câu hỏi: {han_chot}.\nĐề nghị đơn vị gửi "
                 "bổ sung tại: {lien_ket}")
    from eventapp.questions import progress

    progress.contribute(app)  # its figures on the organizer's dashboard
