"""Who may do what with accounts: pure predicates over (user, object)."""

from __future__ import annotations

from eventapp.accounts.models import Role


def owns_token(user, token) -> bool:
    """One's own API token (mã truy cập API): anyone may see and revoke their own; creating
    one is the organizer's (``views.new_token``), since a self-service password reset keeps
    tokens (they are issued for devices and do not derive from the password)."""
    return token.user_id == user.id


def may_create_token(user, owner) -> bool:
    """Issue an API token for ``owner``'s account: organizers only (``views.new_token``)."""
    return user.role == Role.organizer


def asks_organizer_confirmation(user, account) -> bool:
    """The account form asks to confirm granting the organizer role (a new account, or one
    that is not an organizer yet); ``account`` is None on the new-account form."""
    return account is None or account.role != Role.organizer
