"""The password rule (quy tắc mật khẩu): the one check every way of setting a password uses
(the user's own change, a reset link, the organizer's form, ``create-user``). Pure: no
database, no Flask."""

from __future__ import annotations

from functools import cache
from importlib import resources

MIN_PASSWORD = 10
MAX_PASSWORD = 200
#: A local part shorter than this ("an@…") would forbid half the alphabet: not checked.
MIN_NAME_CHECKED = 3
TOO_SHORT = f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
TOO_LONG = f"Mật khẩu tối đa {MAX_PASSWORD} ký tự."
COMMON = "Mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác."
HAS_NAME = "Mật khẩu không được chứa tên email của bạn (phần trước dấu @)."
#: The help text shown beside every new-password field.
HINT = (f"Ít nhất {MIN_PASSWORD} ký tự; không dùng mật khẩu phổ biến (như matkhau123) "
        "và không chứa tên email.")


@cache
def common_passwords() -> frozenset[str]:
    """The vendored list (``common_passwords.txt``), lower case."""
    text = resources.files("eventapp.accounts").joinpath("common_passwords.txt") \
        .read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def password_error(password: str | None, email: str | None) -> str | None:
    """Why ``password`` may not be the password of the account ``email``; None if it may."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return TOO_SHORT
    if len(password) > MAX_PASSWORD:
        return TOO_LONG
    folded = password.strip().lower()
    if folded in common_passwords():
        return COMMON
    name = (email or "").strip().lower().partition("@")[0]
    if len(name) >= MIN_NAME_CHECKED and name in folded:
        return HAS_NAME
    return None
