"""How the audit log reads (nhật ký đọc thành câu): an entry becomes a Vietnamese sentence.

Each domain names its own actions and the fields it stores before/after, from its
``init_app``: ``describe(app, "user", noun="tài khoản", actions={...}, fields={...})``. The
audit domain never imports the domains that write to it. An action nobody described still
reads as a sentence ("đã thay đổi tài khoản", or "đã thực hiện một thay đổi"), and a value a
field does not translate is shown as it is stored (instants in local time) — never a dotted
action key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from flask import Flask, current_app, g

from eventapp.formatting import local_dt

KEY = "audit_phrasebook"
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: ``show(value, event_id)``: a stored value as a person reads it, or None to show it as is.
Show = Callable[[Any, "int | None"], "str | None"]


@dataclass(frozen=True)
class Field:
    """A field an action stores before/after: its Vietnamese name and how its values read."""

    label: str
    show: Show | None = None


@dataclass(frozen=True)
class Phrase:
    """An action: ``label`` names it in the filter and the Excel file ("Tạo tài khoản");
    ``verb`` is what the person did in the sentence ("đã tạo tài khoản"); ``detail`` the
    object the sentence names after the verb, read from the entry (its summary when None)."""

    label: str
    verb: str
    detail: Callable[[Reading], str] | None = None


@dataclass
class _Book:
    phrases: dict[str, Phrase] = field(default_factory=dict)
    nouns: dict[str, str] = field(default_factory=dict)
    fields: dict[str, dict[str, Field]] = field(default_factory=dict)
    finders: dict[str, Callable[[str], Field | None]] = field(default_factory=dict)


def describe(app: Flask, prefix: str, *, noun: str,
             actions: Mapping[str, Phrase | tuple] | None = None,
             fields: Mapping[str, Field | str] | None = None,
             find_field: Callable[[str], Field | None] | None = None) -> None:
    """Contribute the phrasing of the actions ``<prefix>.<verb>`` (a domain's ``init_app``).

    ``noun`` names what the prefix is about ("tài khoản"); ``actions`` maps each verb to a
    ``Phrase`` (or its arguments); ``fields`` maps a stored key to a ``Field`` (or its
    label); ``find_field`` answers for keys known only at run time (settings parts).
    """
    book = _book(app)
    book.nouns[prefix] = noun
    for verb, phrase in (actions or {}).items():
        book.phrases[f"{prefix}.{verb}"] = phrase if isinstance(phrase, Phrase) else Phrase(*phrase)
    known = book.fields.setdefault(prefix, {})
    for key, value in (fields or {}).items():
        known[key] = value if isinstance(value, Field) else Field(value)
    if find_field is not None:
        book.finders[prefix] = find_field


def _book(app: Flask | None = None) -> _Book:
    return (app or current_app).extensions.setdefault(KEY, _Book())


def actions() -> dict[str, Phrase]:
    """Every described action (the test walks them against the code's ``record`` calls)."""
    return dict(_book().phrases)


def phrase(action: str) -> Phrase:
    """The action's phrase; for an undescribed one, a readable stand-in."""
    book = _book()
    found = book.phrases.get(action)
    if found is not None:
        return found
    noun = book.nouns.get(action.partition(".")[0])
    if noun:
        return Phrase(f"Thay đổi {noun}", f"đã thay đổi {noun}")
    return Phrase("Thay đổi khác", "đã thực hiện một thay đổi")


def label(action: str) -> str:
    return phrase(action).label


def field_of(action: str, key: str) -> Field:
    prefix = action.partition(".")[0]
    book = _book()
    found = book.fields.get(prefix, {}).get(key)
    if found is None and prefix in book.finders:
        found = book.finders[prefix](key)
    return found or Field("Chi tiết")


# --- Values ------------------------------------------------------------------------------------

def choices(mapping: Mapping[str, str]) -> Show:
    """A ``show`` for a field whose values are keys with fixed names (statuses, roles)."""
    return lambda value, _event_id: mapping.get(value) if isinstance(value, str) else None


def form_labels(form: type) -> dict[str, Field]:
    """The fields of a form class named as the form names them (its fields' labels)."""
    out = {}
    for name in dir(form):
        unbound = getattr(form, name)
        text = (unbound.args[:1] or [unbound.kwargs.get("label")])[0] \
            if hasattr(unbound, "field_class") else None
        if text:
            out[name] = Field(str(text))
    return out


def cached(lookup: Callable[..., str | None]) -> Callable[..., str | None]:
    """``lookup`` memoized for the request: a page of entries asks for the same unit often."""
    def wrapper(*args):
        if any(isinstance(arg, list | dict) for arg in args):
            return None  # a lookup names one value; shown() asks again for each item
        memo = g.setdefault("_audit_lookups", {})
        key = (lookup, *args)
        if key not in memo:
            memo[key] = lookup(*args)
        return memo[key]
    return wrapper


def show_value(value, tz: str | tzinfo) -> str:
    """A stored before/after value as a person reads it (instants in local time)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, str):
        if _ISO_INSTANT.match(value):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
            return local_dt(moment, tz) if moment.tzinfo else moment.strftime("%H:%M %d/%m/%Y")
        if _ISO_DATE.match(value):
            try:
                return date.fromisoformat(value).strftime("%d/%m/%Y")
            except ValueError:
                return value
        return value
    # Keys stored inside a value are the code's, not the reader's: only the values show.
    if isinstance(value, dict):
        return ", ".join(show_value(v, tz) for v in value.values()) or "—"
    if isinstance(value, list):
        nested = any(isinstance(v, dict | list) for v in value)
        return ("; " if nested else ", ").join(show_value(v, tz) for v in value) or "—"
    return str(value)


def shown(action: str, key: str, value, event_id: int | None, tz: str | tzinfo) -> str:
    """One stored value of ``key`` as a person reads it, translated by its domain."""
    show = field_of(action, key).show
    if show is not None and value not in (None, ""):
        text = show(value, event_id)
        if text is not None:
            return text
        if isinstance(value, list):  # a show of one item: each item in turn (names have commas)
            return "; ".join(shown(action, key, item, event_id, tz) for item in value) or "—"
    return show_value(value, tz)


def changes(action: str, before, after, event_id: int | None,
            tz: str | tzinfo) -> list[tuple[str, str, str]]:
    """``(field name, before, after)`` for every field either side mentions, in order."""
    before = before if isinstance(before, dict) else ({} if before is None else {"": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"": after})
    keys = list(before) + [k for k in after if k not in before]
    return [(field_of(action, key).label if key else "",
             shown(action, key, before[key], event_id, tz) if key in before else "",
             shown(action, key, after[key], event_id, tz) if key in after else "")
            for key in keys]


# --- Sentences ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reading:
    """An entry as a ``detail`` reads it: its values translated by their fields."""

    entry: Any
    tz: str | tzinfo

    @property
    def summary(self) -> str:
        return self.entry.summary or ""

    def after(self, key: str) -> str:
        return self._side(self.entry.after, key)

    def before(self, key: str) -> str:
        return self._side(self.entry.before, key)

    def _side(self, values, key: str) -> str:
        if not isinstance(values, dict) or values.get(key) in (None, ""):
            return ""
        return shown(self.entry.action, key, values[key], self.entry.event_id, self.tz)


def who(entry, role_label: Callable[[str], str]) -> str:
    """"Nguyễn Văn A (Ban tổ chức)", or the system for an entry no person made."""
    if entry.user is None:
        return "Hệ thống"
    return f"{entry.user.display_name} ({role_label(entry.user.role)})"


def sentence(entry, tz: str | tzinfo, role_label: Callable[[str], str]) -> str:
    """"Nguyễn Văn A (Ban tổ chức) đã tạo tài khoản batri@demo.vn cho Huyện đoàn Ba Tri lúc
    14:05 30/11/2026." — the detail is the phrase's, else the entry's summary."""
    said = phrase(entry.action)
    detail = said.detail(Reading(entry, tz)) if said.detail else ""
    text = f"{who(entry, role_label)} {said.verb}"
    if detail:
        text += f" {detail}"
    return f"{text} lúc {local_dt(entry.at, tz)}."


def detail_line(entry, tz: str | tzinfo) -> str:
    """What the sentence leaves to the line below it: the summary, unless the sentence
    already names its object."""
    said = phrase(entry.action)
    if said.detail and said.detail(Reading(entry, tz)):
        return ""
    return entry.summary or ""


def rest_of(*prefixes: str) -> Callable[[Reading], str]:
    """A ``detail``: the summary after the words the verb already says ("Gia hạn " …), or
    nothing (the summary then stays on its own line)."""
    def detail(reading: Reading) -> str:
        for prefix in prefixes:
            if reading.summary.startswith(prefix):
                return reading.summary[len(prefix):]
        return ""
    return detail
