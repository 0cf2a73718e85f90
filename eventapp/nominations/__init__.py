"""Honoring nominations (hồ sơ đề nghị vinh danh) and the eligibility engine."""


def init_app(app) -> None:
    """Models, the unit's and the organizer's pages, ``flask eligibility``, the API, the
    unit home line, the event settings part and deadline kind."""
    # Imported here, not at the top, to break a real cycle: other modules import this
    # package (its models, rules) while their own views and services are loading.
    from eventapp.events import summaries
    from eventapp.nominations import api, cli, models, settings  # noqa: F401  (models: tables)
    from eventapp.nominations.views import bp, review, unit  # noqa: F401

    app.register_blueprint(bp)  # the view modules above add their routes to it
    app.register_blueprint(api.bp)
    app.register_blueprint(cli.bp)
    summaries.register(app, unit.nominations_summary)
    from eventapp.nominations import auditing

    auditing.contribute(app)  # how the audit log reads its entries
    settings.contribute(app)  # rules and deadline: the event form, JSON, deadline kind
    from eventapp.messages.audiences import register_audience
    from eventapp.nominations.services import units_not_submitted, units_with_returned

    register_audience(
        app, "dossier_not_submitted", "Đơn vị chưa gửi hồ sơ vinh danh", units_not_submitted,
        deadline=settings.DEADLINE,
        reminder="Kính gửi {don_vi},\nĐơn vị chưa gửi hồ sơ đề nghị vinh danh nào. Hạn chót: "
                 "{han_chot}.\nĐề nghị đơn vị gửi hồ sơ tại: {lien_ket}")
    register_audience(app, "dossier_returned", "Đơn vị có hồ sơ vinh danh bị trả lại",
                      units_with_returned, deadline=settings.DEADLINE)
    from eventapp.nominations import progress

    progress.contribute(app)  # its figures on the organizer's dashboard
