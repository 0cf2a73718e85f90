"""The unit-code rule (mã đơn vị), the unit-kind key rule, the checks of a rename or merge's
name and date, and the contact rule (đầu mối liên hệ): the one definition forms, schemas, the
event definition loader and the Excel import use. Pure: no database, no Flask."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from eventapp.text import email_error, fold

CODE_MAX = 32
_CODE = re.compile(r"^[A-Z0-9_-]{1,32}$")
CODE_MESSAGE = "Mã đơn vị phải có 1–32 ký tự: chữ không dấu, số, - hoặc _."


def normal_code(raw: object) -> str:
    """A unit code as stored and compared: trimmed, upper case (``batri`` is ``BATRI``)."""
    return (str(raw) if raw is not None else "").strip().upper()


def code_error(raw: object) -> str | None:
    """``CODE_MESSAGE`` when ``raw``, once normalised, is not a valid unit code."""
    return None if _CODE.match(normal_code(raw)) else CODE_MESSAGE


KIND_KEY_MAX = 40
_KIND_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
KIND_KEY_MESSAGE = ("Mã loại đơn vị phải có 1–40 ký tự: chữ thường không dấu, số, - hoặc _ "
                    "(ví dụ high_school).")


def kind_key_error(raw: object) -> str | None:
    """``KIND_KEY_MESSAGE`` when ``raw`` (trimmed) is not a valid unit-kind key."""
    return None if _KIND_KEY.match(str(raw or "").strip()) else KIND_KEY_MESSAGE


NAME_MAX = 200


def name_error(name: str, current: str) -> str | None:
    """Why ``name`` (cleaned) cannot be a unit's new name, or None."""
    if not name:
        return "Nhập tên mới của đơn vị."
    if len(name) > NAME_MAX:
        return f"Tên đơn vị tối đa {NAME_MAX} ký tự."
    if name == current:
        return "Tên mới trùng với tên hiện tại."
    return None


def effective_date_error(day: date | None, today: date, not_before: date | None) -> str | None:
    """Why ``day`` cannot be a change's effective date: changes are recorded once they have
    happened (not after ``today``), and a unit's history runs forward (not before its last
    rename, ``not_before``)."""
    if day is None:
        return "Nhập ngày hiệu lực (dd/mm/yyyy)."
    if day > today:
        return f"Ngày hiệu lực không được sau hôm nay ({today:%d/%m/%Y})."
    if not_before is not None and day < not_before:
        return (f"Ngày hiệu lực không được trước lần đổi tên gần nhất "
                f"({not_before:%d/%m/%Y}).")
    return None


# --- Contacts (đầu mối liên hệ) -----------------------------------------------------------

CONTACT_TEXT_MAX = 200
PHONE_MESSAGE = ("Số điện thoại chỉ gồm chữ số, dấu cách và dấu + ở đầu, 8–15 chữ số "
                 "(ví dụ 0912 345 678 hoặc +84 912 345 678).")
NO_WAY_TO_REACH = "Nhập email hoặc số điện thoại của người liên hệ."
_PHONE = re.compile(r"^\+?[0-9 ]+$")


def normal_phone(raw: object) -> str:
    """A phone number as stored: trimmed, inner spaces made single (``0912  345`` → ``0912 345``).
    A number Excel kept as a number arrives as an int and is written back as digits."""
    return " ".join((str(raw) if raw is not None else "").split())


def phone_error(raw: object) -> str | None:
    phone = normal_phone(raw)
    digits = sum(ch.isdigit() for ch in phone)
    return None if _PHONE.match(phone) and 8 <= digits <= 15 else PHONE_MESSAGE


def clean_contact(name: object = None, position: object = None, email: object = None,
                  phone: object = None) -> tuple[dict, dict]:
    """A contact's values as stored and its Vietnamese errors keyed by field: the one rule
    the unit page, the Excel import and the event definition use. A contact is reachable:
    it has an e-mail or a phone."""
    text = lambda v: (str(v) if v is not None else "").strip()  # noqa: E731
    values = {"name": text(name), "position": text(position),
              "email": text(email).lower() or None, "phone": normal_phone(phone) or None}
    errors: dict[str, str] = {}
    for key in ("name", "position"):
        if len(values[key]) > CONTACT_TEXT_MAX:
            errors[key] = f"Tối đa {CONTACT_TEXT_MAX} ký tự."
    if values["email"] and (message := email_error(values["email"])):
        errors["email"] = message
    if values["phone"] and (message := phone_error(values["phone"])):
        errors["phone"] = message
    if not values["email"] and not values["phone"]:
        errors["email"] = NO_WAY_TO_REACH
    return values, errors


PARENT_SELF = "Đơn vị không thể là đơn vị cấp trên của chính mình."
PARENT_CYCLE = "Không thể chọn đơn vị cấp dưới của đơn vị này làm đơn vị cấp trên (tạo vòng lặp)."


def parent_error(unit_id: int | None, parent_id: int | None,
                 parent_of: Callable[[int], int | None]) -> str | None:
    """Why ``parent_id`` cannot become the parent of ``unit_id`` (itself, or one of its
    descendants: a cycle), else None. ``parent_of`` walks the existing links upwards; a new
    unit (``unit_id`` None) has no descendants."""
    if parent_id is None or unit_id is None:
        return None
    if parent_id == unit_id:
        return PARENT_SELF
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:  # ``seen``: never loop forever
        if current == unit_id:
            return PARENT_CYCLE
        seen.add(current)
        current = parent_of(current)
    return None


#: The group of units that have no parent (nhóm đơn vị không có cấp trên), listed last.
NO_PARENT = "Đơn vị không có đơn vị cấp trên"
#: How the grouping is asked for in a URL: ``?group=parent`` (board and exports alike).
GROUP_BY_PARENT = "parent"


@dataclass
class ParentGroup:
    """Units under one parent (nhóm theo đơn vị cấp trên); ``code`` None: those without one."""

    code: str | None
    name: str
    rows: list = field(default_factory=list)


def group_by_parent(rows: Iterable[Any], parent: Callable[[Any], tuple[str | None, str | None]],
                    own_code: Callable[[Any], str | None]) -> list[ParentGroup]:
    """Rows grouped by their unit's parent, keeping the rows' order inside each group.

    ``parent(row)`` is the (code, name) of the row's parent unit, or (None, None); a row of
    a parent unit itself heads its own children's group rather than the "no parent" one,
    so a commune union stands above its brigades. Groups follow the parent's name
    (Vietnamese order), the "no parent" group last."""
    rows = list(rows)
    groups: dict[str | None, ParentGroup] = {}
    for row in rows:
        code, name = parent(row)
        if code is not None and code not in groups:
            groups[code] = ParentGroup(code, name or code)
    heads = [r for r in rows if parent(r)[0] is None and own_code(r) in groups]
    for row in heads:
        groups[own_code(row)].rows.append(row)
    for row in rows:
        code = parent(row)[0]
        if code is not None:
            groups[code].rows.append(row)
        elif own_code(row) not in groups:
            groups.setdefault(None, ParentGroup(None, NO_PARENT)).rows.append(row)
    return sorted(groups.values(), key=lambda g: (g.code is None, fold(g.name), g.code or ""))
