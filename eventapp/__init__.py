"""eventapp — dialogue events, honor ceremonies and venue check-in for Youth Union offices."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from eventapp import config
from eventapp.app import EventApp


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: config, extensions, blueprints, CLI, error pages."""
    instance = config.instance_path()
    app = EventApp(__name__, instance_path=str(instance), instance_relative_config=True,
                template_folder=str(config.TEMPLATE_DIR), static_folder=str(config.STATIC_DIR))
    app.config.from_object(config.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    _finish_config(app)

    # The factory imports the rest inside its body to break a real cycle: eventapp.cli and
    # ops.cli import create_app from this package, and every module imports ``eventapp.*``.
    from eventapp.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    from eventapp import database, prepared

    database.init_app(app)  # the request is the unit of work
    prepared.init_app(app)  # the API's autocommit connection goes back at teardown
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    from eventapp.accounts.throttle import LoginThrottle
    from eventapp.api import CookieSessionOutsideApi

    LoginThrottle(app)
    # The API is token-only: the session cookie is not even read there.
    app.session_interface = CookieSessionOutsideApi()
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"

    from eventapp.database import DatabaseIdConverter

    # Every <int:…> id is a database id: out-of-range numbers are a 404, not a DB error.
    app.url_map.converters["int"] = DatabaseIdConverter

    from eventapp import auth  # noqa: F401  (registers the user loader)
    from eventapp.errors import register_error_handlers
    from eventapp.formatting import register_filters
    from eventapp.security import register_security

    register_error_handlers(app)
    register_filters(app)
    register_security(app)
    _register_blueprints(app)
    if app.config.get("PROXY_FIX"):
        # Behind nginx: trust one hop of X-Forwarded-For/-Proto/-Host/-Prefix.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)

    return app


def _finish_config(app: Flask) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config.normalise_flags(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or \
        f"sqlite:///{Path(app.instance_path) / 'eventapp.sqlite'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = config.normalise_database_url(uri)
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # A server database may restart under us; a local SQLite file cannot go away like that.
    options.setdefault("pool_pre_ping", not uri.startswith("sqlite"))
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000,
                                            "check_same_thread": False})
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg"):
        from eventapp import dbtimeouts

        # A database that stalls gets a 503 within seconds instead of hanging every thread.
        timeouts = dbtimeouts.engine_options(app.config)
        options.setdefault("pool_timeout", timeouts["pool_timeout"])
        options["connect_args"] = {**timeouts["connect_args"], **options.get("connect_args", {})}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")


def _instance_secret(instance: Path) -> str:
    """A random key kept in ``instance/secret_key`` so sessions and codes survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _register_blueprints(app: Flask) -> None:
    """The domains, in order: each ``init_app`` imports its models (so migrations see every
    table) and registers its blueprints, CLI commands and contributions (home page lines)."""
    from eventapp import (
        accounts,
        audit,
        checkin,
        dashboard,
        events,
        help,
        messages,
        nominations,
        ops,
        questions,
        registration,
        units,
        venue,
    )
    from eventapp.cli import bp as core_cli_bp
    from eventapp.openapi import bp as core_api_bp
    from eventapp.views import bp as core_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(core_api_bp)
    app.register_blueprint(core_cli_bp)
    for domain in (accounts, events, units, questions, nominations, registration, checkin,
                   messages, audit, ops, venue, dashboard, help):
        domain.init_app(app)
