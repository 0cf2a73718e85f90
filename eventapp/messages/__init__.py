"""Messages (thông báo, nhắc việc): the outbox every notice, reminder and e-mail goes through.

A message is a row written in the same transaction as the change that causes it
(``outbox.enqueue``); a worker delivers it later through a channel (in-app inbox, e-mail).
"""


def init_app(app) -> None:
    """Models; the worker, pages and API register here as they arrive."""
    # Imported here, not at the top, to break a real cycle: the models import units and
    # accounts, which other domains import while their own modules are loading.
    # Reminder rules, audiences, the organizer's pages and the API; notices on actions.
    from eventapp.events import cloning
    from eventapp.messages import (
        api,
        audiences,
        models,  # noqa: F401  (models: tables)
        reminders,
        settings,
        views,
        worker,
    )

    audiences.contribute(app)
    settings.contribute(app)  # notices on actions: the event form's switches (notices.py)
    cloning.register(app, "reminders", reminders.copy_rules)
    worker.register_producer(reminders.evaluate_due)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    _init_outbox(app)
    from eventapp.messages import auditing

    auditing.contribute(app)  # how the audit log reads its entries


def _init_outbox(app) -> None:
    """The worker's command (``outbox run``) and the in-app inbox: pages, API, the bell."""
    from eventapp.messages import cli, inbox, inbox_api

    app.register_blueprint(cli.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(inbox_api.bp)
    inbox.init_bell(app)
