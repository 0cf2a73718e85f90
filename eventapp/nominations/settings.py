"""An event's honoring rules (tiêu chuẩn vinh danh) and dossier deadline: read them, store them
(from the event form and the event definition's ``nominations`` section), and contribute
them to the event pages, the API's event JSON and the deadline kinds (``contribute``).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask import Flask

from eventapp.events import cloning, deadlines
from eventapp.events import settings as event_settings
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.formatting import local
from eventapp.nominations.forms import NominationRulesForm
from eventapp.nominations.models import (
    DEFAULT_UNIT_KINDS,
    CertificateSettings,
    NominationRules,
)
from eventapp.units import kinds

#: The deadline kind of dossiers (``DeadlineExtension.kind``).
DEADLINE = "nominations"
#: The rules' numbers, by the names the definition and the form share (``serving_min_years``).
YEARS = ("serving_min_years", "retired_min_years", "title_window_years",
         "discipline_window_years")
#: What a clone copies of the certificate settings as it is (``signed_on`` is moved).
CERTIFICATE = ("issuer", "heading", "citation", "place", "signer_title", "signer_name")


def of(event: Event) -> NominationRules:
    """The event's rules (a primary-key read, answered by the session's identity map while
    the row is held); an unsaved row of defaults when the event has none."""
    return db.session.get(NominationRules, event.id) or NominationRules(
        event_id=event.id, deadline=None, reference_date=None, serving_min_years=30,
        retired_min_years=25, title_window_years=1, discipline_window_years=5,
        unit_kinds=list(DEFAULT_UNIT_KINDS))


def deadline(event: Event) -> datetime | None:
    return of(event).deadline


def reference_date(event: Event) -> date | None:
    """The rules' reference date, else the date of the first session (None without one)."""
    rules = of(event)
    if rules.reference_date:
        return rules.reference_date
    if event.sessions:
        return local(event.sessions[0].starts_at, event.timezone).date()
    return None


def store(event: Event, values: dict) -> NominationRules:
    """Set the event's rules from ``values`` keyed as in the definition (``deadline``,
    ``reference_date``, the ``YEARS``, ``unit_kinds``)."""
    row = db.session.get(NominationRules, event.id)
    if row is None:
        row = NominationRules(event_id=event.id)
        db.session.add(row)
    row.deadline, row.reference_date = values["deadline"], values["reference_date"]
    for name in YEARS:
        setattr(row, name, values[name])
    row.unit_kinds = list(values["unit_kinds"] or [])
    db.session.flush()
    return row


def _values(event: Event) -> dict:
    rules = of(event)
    return {"nomination_deadline": rules.deadline,
            "nomination_reference_date": rules.reference_date,
            **{name: getattr(rules, name) for name in YEARS},
            "nomination_unit_kinds": list(rules.unit_kinds or [])}


def _apply(event: Event, values: dict) -> None:
    store(event, {"deadline": values["nomination_deadline"],
                  "reference_date": values["nomination_reference_date"],
                  **{name: values[name] for name in YEARS},
                  "unit_kinds": values["nomination_unit_kinds"]})


def _load(event: Event, definition: dict) -> None:
    section = definition["nominations"]
    store(event, {**section, "unit_kinds": section["submitting_unit_kinds"]})


def _describe(event: Event) -> dict:
    rules, day = of(event), reference_date(event)
    return {"deadline": rules.deadline.isoformat() if rules.deadline else None,
            "reference_date": day.isoformat() if day else None,
            **{name: getattr(rules, name) for name in YEARS},
            "submitting_unit_kinds": list(rules.unit_kinds or [])}


PART = event_settings.SettingsPart(
    key="nominations", legend="Tiêu chuẩn vinh danh", form=NominationRulesForm,
    values=_values, apply=_apply, load=_load, describe=_describe)


def copy(source: Event, target: Event, shift: cloning.Shift) -> None:
    """A clone's rules (deadline and reference date moved like its sessions) and its
    certificate settings (signing date moved too)."""
    rules = of(source)
    store(target, {"deadline": shift.instant(rules.deadline),
                   "reference_date": shift.day(rules.reference_date),
                   **{name: getattr(rules, name) for name in YEARS},
                   "unit_kinds": rules.unit_kinds})
    shift.copy_row(CertificateSettings, source, target, CERTIFICATE, "signed_on")


def contribute(app: Flask) -> None:
    """The dossier deadline kind, the honoring part of the event settings and its copy."""
    deadlines.register(app, DEADLINE, "Gửi hồ sơ vinh danh", deadline)
    event_settings.register(app, PART)
    cloning.register(app, "nominations", copy)
    kinds.register_use(app, kind_in_use)


def kind_in_use(key: str) -> str | None:
    """Why unit kind ``key`` may not be deleted: events whose dossiers units of it file (a
    JSON list per event, so counted here rather than by a foreign key)."""
    count = sum(key in (listed or []) for listed in
                db.session.scalars(sa.select(NominationRules.unit_kinds)))
    return f"{count} sự kiện cho loại này gửi hồ sơ vinh danh" if count else None
