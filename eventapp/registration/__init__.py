"""Delegate registration: attendees, caps, check-in codes, invitations and badges."""


def init_app(app) -> None:
    """Models, the attendee and printing pages, the API, the unit home line, the event
    settings part and deadline kind."""
    # Imported here, not at the top, to break a real cycle: other modules import this
    # package (its models, rules) while their own views and services are loading.
    from eventapp.events import summaries
    from eventapp.messages.channels import register_attachment
    from eventapp.registration import api, invitations, models, settings  # noqa: F401  (models)
    from eventapp.registration.views import (  # noqa: F401
        attendance,
        attendees,
        bp,
        documents,
        mailing,
        review,
    )

    app.register_blueprint(bp)  # attendees, attendance, documents, mailing, review add routes
    app.register_blueprint(api.bp)
    summaries.register(app, attendees.registration_summary)
    from eventapp.registration import auditing

    auditing.contribute(app)  # how the audit log reads its entries
    settings.contribute(app)  # deadline and limits: the event form, JSON, deadline kind
    from eventapp.messages.audiences import register_audience
    from eventapp.registration.queries import units_without_delegates

    register_audience(
        app, "no_delegates", "Đơn vị chưa đăng ký đại biểu", units_without_delegates,
        deadline=settings.DEADLINE,
        reminder="Kính gửi {don_vi},\nĐơn vị chưa đăng ký đại biểu nào. Hạn chót đăng ký: "
                 "{han_chot}.\nĐề nghị đơn vị đăng ký tại: {lien_ket}")
    from eventapp.registration import progress

    progress.contribute(app)  # its figures on the organizer's dashboard
    # The QR code of an e-mailed invitation, made when the worker sends the mail.
    register_attachment(invitations.ATTACHMENT, invitations.qr_attachment)
