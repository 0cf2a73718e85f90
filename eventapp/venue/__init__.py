"""The venue (hội trường): ``flask serve`` over HTTPS on the LAN with a local CA, and the
organizer's "Mở trên điện thoại" page that gets staff phones onto it."""


def init_app(app) -> None:
    """The ``serve`` command and the phone page (with the CA certificate's download)."""
    from eventapp.venue import cli, views

    app.register_blueprint(cli.bp)
    app.register_blueprint(views.bp)
