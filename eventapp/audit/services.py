"""Recording audit entries. Call ``record`` in the same transaction as the change."""

from __future__ import annotations

from datetime import UTC, date, datetime

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db


def _jsonable(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj, fields: list[str]) -> dict:
    """The values of ``fields`` on ``obj``, ready to store as before/after."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def record(action: str, *, obj=None, event_id: int | None = None, summary: str = "",
           before: dict | None = None, after: dict | None = None, user=None) -> AuditEntry:
    if user is None:
        # Imported here to break a real cycle: auth -> accounts.sessions -> accounts
        # services -> audit (every domain's services record through this module).
        from eventapp.auth import acting_user

        user = acting_user()
    entry = AuditEntry(
        action=action,
        user_id=getattr(user, "id", None),
        event_id=event_id,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or ""),
        summary=summary,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )
    db.session.add(entry)
    return entry


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
