"""Unit kinds (loại đơn vị) as data: reading them, and the only module that writes
``unit_kind`` (add, rename, delete, and the kinds an event definition declares).

Other domains that name kinds (registration caps, the nomination rules' submitting kinds)
tell this module how to find a kind in use with ``register_use`` from their ``init_app``, so
a kind they still name is never deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from eventapp import audit
from eventapp.database import lock
from eventapp.errors import Invalid
from eventapp.extensions import db
from eventapp.units.models import DEFAULT_KIND, Unit, UnitKindRow
from eventapp.units.rules import kind_key_error

USES_KEY = "unit_kind_uses"
NAME_MAX = 200
KEY_TAKEN = "Mã loại đơn vị đã có."


def all_kinds() -> list[UnitKindRow]:
    return list(db.session.scalars(
        sa.select(UnitKindRow).order_by(UnitKindRow.position, UnitKindRow.key)))


def names() -> dict[str, str]:
    """``{key: name}`` in list order: one query for a page or an export."""
    return {k.key: k.name for k in all_kinds()}


def choices() -> list[tuple[str, str]]:
    """``(key, name)`` pairs for a select; callable as WTForms ``choices`` (read per form)."""
    return list(names().items())


def unknown_message(key: object, known: Iterable[str]) -> str:
    return (f"Loại đơn vị '{key}' chưa có; dùng một trong: {', '.join(known)}, "
            "hoặc khai báo nó trong unit_kinds.")


# --- Who names a kind --------------------------------------------------------------------

def register_use(app: Flask, reason: Callable[[str], str | None]) -> None:
    """Let a domain say why kind ``key`` is in use (a Vietnamese reason) or None."""
    app.extensions.setdefault(USES_KEY, []).append(reason)


def _units_using(key: str) -> str | None:
    count = db.session.scalar(sa.select(sa.func.count()).where(Unit.kind == key))
    return f"{count} đơn vị thuộc loại này" if count else None


def uses(key: str) -> list[str]:
    """Every reason kind ``key`` cannot be deleted (empty: it may be)."""
    # The default stays: a unit whose definition or import row names no kind gets it.
    fallback = "đây là loại mặc định của đơn vị không ghi loại" if key == DEFAULT_KIND else None
    reasons = [fallback, _units_using(key),
               *(r(key) for r in current_app.extensions.get(USES_KEY, []))]
    return [r for r in reasons if r]


# --- Changes -----------------------------------------------------------------------------

def _clean_name(name: object) -> str:
    name = str(name or "").strip()
    if not name:
        raise Invalid({"name": "Nhập tên loại đơn vị."})
    if len(name) > NAME_MAX:
        raise Invalid({"name": f"Tên loại đơn vị tối đa {NAME_MAX} ký tự."})
    return name


def add_kind(key: str, name: str, user) -> UnitKindRow:
    """A new kind at the end of the list; a taken key is refused (also when two organizers
    add it at once: the primary key decides inside a savepoint)."""
    key = str(key or "").strip()
    if message := kind_key_error(key):
        raise Invalid({"key": message})
    name = _clean_name(name)
    if db.session.get(UnitKindRow, key) is not None:
        raise Invalid({"key": KEY_TAKEN})
    last = db.session.scalar(sa.select(sa.func.max(UnitKindRow.position))) or 0
    row = UnitKindRow(key=key, name=name, position=last + 1)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise Invalid({"key": KEY_TAKEN}) from None
    audit.record("unit_kind.add", summary=f"Thêm loại đơn vị “{name}” (mã {key})",
                 after={"key": key, "name": name}, user=user)
    db.session.flush()
    return row


def rename_kind(row: UnitKindRow, name: str, user) -> UnitKindRow:
    name = _clean_name(name)
    before = row.name
    row.name = name
    audit.record("unit_kind.rename", summary=f"Đổi tên loại đơn vị “{before}” thành “{name}”",
                 before={"name": before}, after={"name": name}, user=user)
    db.session.flush()
    return row


def delete_kind(row: UnitKindRow, user) -> None:
    """Delete a kind nothing names; otherwise refuse and say what still names it."""
    lock(row)  # a second delete, or a rename, waits for this one
    if reasons := uses(row.key):
        raise Invalid({"kind": f"Không xóa được loại “{row.name}”: " + "; ".join(reasons)
                       + ". Chuyển các đơn vị, chỉ tiêu và quy định đó sang loại khác trước."})
    audit.record("unit_kind.delete", summary=f"Xóa loại đơn vị “{row.name}” (mã {row.key})",
                 before={"key": row.key, "name": row.name}, user=user)
    try:
        # A unit or cap given this kind meanwhile: the foreign keys refuse the delete.
        with db.session.begin_nested():
            db.session.delete(row)
    except IntegrityError:
        raise Invalid({"kind": f"Không xóa được loại “{row.name}”: vừa có đơn vị hoặc "
                               "chỉ tiêu dùng nó."}) from None


def declare(items: list[dict], user=None) -> None:
    """The kinds an event definition declares: new keys are added, a known key keeps its
    name unless the item gives one (the definition schema checked keys and names)."""
    for item in items:
        row = db.session.get(UnitKindRow, item["key"])
        if row is None:
            add_kind(item["key"], item["name"], user)
        elif item.get("name") and item["name"] != row.name:
            rename_kind(row, item["name"], user)


def unit_counts() -> dict[str, int]:
    """How many units each kind has (kinds without units are absent)."""
    return {kind: count for kind, count in db.session.execute(
        sa.select(Unit.kind, sa.func.count()).group_by(Unit.kind))}
