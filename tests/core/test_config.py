"""Settings from the environment: the e-mail ones (``MAIL_*``) and their boolean reader."""

from __future__ import annotations

import pytest

from eventapp import config


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME",
                 "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER", "MAIL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_mail_settings_come_from_the_environment(clean_env):
    clean_env.setenv("MAIL_SERVER", "smtp.tinhdoan.vn")
    clean_env.setenv("MAIL_PORT", "587")
    clean_env.setenv("MAIL_USE_TLS", "true")
    clean_env.setenv("MAIL_USE_SSL", "0")
    clean_env.setenv("MAIL_USERNAME", "noreply")
    clean_env.setenv("MAIL_PASSWORD", "bí mật")
    clean_env.setenv("MAIL_DEFAULT_SENDER", "Tỉnh Đoàn <noreply@tinhdoan.vn>")
    found = config.from_environment()
    assert {k: v for k, v in found.items() if k.startswith("MAIL_")} == {
        "MAIL_SERVER": "smtp.tinhdoan.vn", "MAIL_PORT": 587, "MAIL_USE_TLS": True,
        "MAIL_USE_SSL": False, "MAIL_USERNAME": "noreply", "MAIL_PASSWORD": "bí mật",
        "MAIL_DEFAULT_SENDER": "Tỉnh Đoàn <noreply@tinhdoan.vn>"}


@pytest.mark.parametrize("value, on", [("1", True), ("true", True), ("True", True),
                                       ("yes", True), ("0", False), ("false", False),
                                       ("", False), ("no", False)])
def test_booleans_read_as_one_zero_true_false(clean_env, value, on):
    clean_env.setenv("MAIL_USE_SSL", value)
    assert config.from_environment()["MAIL_USE_SSL"] is on


@pytest.mark.parametrize("port", ["0", "70000", "cổng", "25a"])
def test_a_bad_port_is_refused_at_start(clean_env, port):
    clean_env.setenv("MAIL_PORT", port)
    with pytest.raises(ValueError, match="MAIL_PORT"):
        config.from_environment()


def test_without_mail_settings_nothing_is_set(clean_env):
    assert not any(k.startswith("MAIL_") for k in config.from_environment())


def test_booleans_in_the_config_file_are_read_the_same_way(tmp_path, clean_env):
    """``MAIL_USE_TLS = "0"`` in ``instance/config.py`` is off (a non-empty string would be
    true to Python), and ``"true"`` is on, as in the environment."""
    from eventapp import create_app

    (tmp_path / "config.py").write_text('MAIL_USE_TLS = "0"\nMAIL_USE_SSL = "true"\n')
    clean_env.setenv("EVENTAPP_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.sqlite'}"})
    assert app.config["MAIL_USE_TLS"] is False
    assert app.config["MAIL_USE_SSL"] is True
