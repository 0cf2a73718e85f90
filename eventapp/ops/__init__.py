"""Operations (vận hành): backup and restore, moving an SQLite installation to PostgreSQL."""


def init_app(app) -> None:
    """``flask backup``, ``restore`` and ``copy-db``."""
    from eventapp.ops import cli

    app.register_blueprint(cli.bp)
