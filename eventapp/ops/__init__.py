"""Operations (vận hành): backup and restore, moving an SQLite installation to PostgreSQL."""


def init_app(app) -> None:
    """``flask backup``, ``restore`` and ``copy-db``."""
    # Imported here, not at the top, to break a real cycle: other modules import this
    # package (its models, rules) while their own views and services are loading.
    from eventapp.ops import cli

    app.register_blueprint(cli.bp)
