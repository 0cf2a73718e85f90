"""Per-event settings owned by the domains (cài đặt theo sự kiện), and how the event pages
reach them without naming them.

A domain keeps its settings in its own table keyed by event and contributes a
``SettingsPart`` from its ``init_app`` with ``register(app, part)``: the fields it adds to
the event form, how it stores them (its own service), how it takes its section of the event
definition, and what it adds to the API's event JSON. The events package only iterates over
the parts; adding a domain never means editing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from wtforms.fields.core import UnboundField

from eventapp.formatting import for_input, typed_in
from eventapp.forms import MomentField

KEY = "event_settings_parts"
FORM_KEY = "event_settings_form"


@dataclass(frozen=True)
class Card:
    """A figure on the organizer's event overview, e.g. "Câu hỏi mỗi đơn vị: ≥ 15"."""

    title: str
    figure: str
    note: str = ""


@dataclass(frozen=True)
class SettingsPart:
    """One domain's settings of an event.

    ``key`` names its section of the event definition and of the API's event JSON;
    ``form`` is a form class whose field names are unique across parts (they are the keys
    of ``values``/``apply`` and of the audit log's before/after); ``values(event)`` gives the
    current values (instants as aware datetimes); ``apply(event, values)`` stores edited
    values and raises ``Invalid`` keyed by field; ``load(event, definition)`` stores the
    part's values from a whole loaded definition; ``describe(event)`` gives the keys the
    part adds to its section of the event JSON; ``card(event)`` an optional overview figure.
    """

    key: str
    legend: str
    form: type
    values: Callable[..., dict]
    apply: Callable[..., None]
    load: Callable[..., None]
    describe: Callable[..., dict]
    card: Callable[..., Card | None] | None = None

    @property
    def field_names(self) -> list[str]:
        """The part's form fields in declaration order."""
        unbound = [(name, value) for name in dir(self.form)
                   if isinstance(value := getattr(self.form, name), UnboundField)]
        return [name for name, _ in sorted(unbound, key=lambda item: item[1].creation_counter)]


def register(app: Flask, part: SettingsPart) -> None:
    """Add ``part`` to the event settings of ``app`` (a domain's ``init_app`` calls this)."""
    app.extensions.setdefault(KEY, {})[part.key] = part
    app.extensions.pop(FORM_KEY, None)


def parts() -> list[SettingsPart]:
    return list(current_app.extensions.get(KEY, {}).values())


def event_form_class(base: type) -> type:
    """``base`` (the event's own fields) with every part's fields, built once per app."""
    form = current_app.extensions.get(FORM_KEY)
    if form is None:
        form = type(base.__name__, (base, *(p.form for p in parts())), {})
        current_app.extensions[FORM_KEY] = form
    return form


def snapshot(event) -> dict:
    """Every part's values, keyed by field: the audit log's before/after of an event."""
    values: dict = {}
    for part in parts():
        values.update(part.values(event))
    return values


def apply(event, values_by_part: dict[str, dict]) -> None:
    """Let each part store its values (parts absent from ``values_by_part`` keep theirs)."""
    for part in parts():
        if part.key in values_by_part:
            part.apply(event, values_by_part[part.key])


def load(event, definition: dict) -> None:
    """Hand a loaded event definition to every part."""
    for part in parts():
        part.load(event, definition)


def describe(event, document: dict) -> dict:
    """Add every part's keys to its section of the event JSON ``document``."""
    for part in parts():
        document.setdefault(part.key, {}).update(part.describe(event))
    return document


def cards(event) -> list[Card]:
    return [c for c in (p.card(event) for p in parts() if p.card) if c is not None]


# --- The event form: instants are typed in the event's zone --------------------------------

def form_values(form, timezone: str) -> dict[str, dict]:
    """``{part key: {field: value}}`` from a submitted event form; instants made aware."""
    return {part.key: {name: _aware(form[name], timezone) for name in part.field_names}
            for part in parts()}


def form_data(event) -> dict:
    """The parts' current values as the event form shows them (instants as local time)."""
    return {name: for_input(value, event) if isinstance(value, datetime) else value
            for name, value in snapshot(event).items()}


def _aware(field, timezone: str):
    return typed_in(field.data, timezone) if isinstance(field, MomentField) \
        else field.data
