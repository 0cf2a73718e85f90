"""Operations on a unit's contacts (đầu mối liên hệ): the only writer of ``unit_contact``.

Its own module, not ``units.services``, so that the event definition's import
(``events.services``) can use it: ``units.services`` imports ``events.services``.
Every way in (the unit page, the Excel import, the event definition) cleans and checks a
contact with ``rules.clean_contact``; imports merge by e-mail and never delete a contact.
"""

from __future__ import annotations

from collections.abc import Iterable

from eventapp import audit
from eventapp.errors import Invalid
from eventapp.extensions import db
from eventapp.units.models import Unit, UnitContact
from eventapp.units.rules import clean_contact

FIELDS = ("name", "position", "email", "phone")
TAKEN = "Đơn vị đã có người liên hệ với email này."


def describe(contact: UnitContact) -> dict:
    """A contact as the event definition and the API write it."""
    return {key: getattr(contact, key) or "" for key in FIELDS}


def save_contact(unit: Unit, contact: UnitContact | None, values: dict, actor,
                 event_id: int | None = None) -> UnitContact:
    """Add (``contact`` None) or change one contact of ``unit``; raises ``Invalid``."""
    clean, errors = clean_contact(**{key: values.get(key) for key in FIELDS})
    if clean["email"] and "email" not in errors and any(
            other.email == clean["email"] and other is not contact for other in unit.contacts):
        errors["email"] = TAKEN
    if errors:
        raise Invalid(errors)
    before = describe(contact) if contact is not None else None
    if contact is None:
        contact = UnitContact()
        unit.contacts.append(contact)
    for key in FIELDS:
        setattr(contact, key, clean[key])
    db.session.flush()
    audit.record("unit.contact" if before is None else "unit.contact_update", obj=unit,
                 event_id=event_id, before=before, after=describe(contact), user=actor,
                 summary=f"{unit.code}: người liên hệ {_label(contact)}")
    return contact


def remove_contact(unit: Unit, contact: UnitContact, actor, event_id: int | None = None) -> None:
    unit.contacts.remove(contact)  # delete-orphan: the row goes with the flush
    db.session.flush()
    audit.record("unit.contact_remove", obj=unit, event_id=event_id, before=describe(contact),
                 user=actor, summary=f"{unit.code}: xóa người liên hệ {_label(contact)}")


def merge_contacts(unit: Unit, items: Iterable[dict]) -> int:
    """Add the contacts of an import to ``unit``: one with an e-mail the unit already has
    updates that contact (the values given replace the stored ones), the others are added;
    none is removed. The items are checked already (schema, import rows). Returns how many
    were added."""
    added = 0
    by_email = {c.email: c for c in unit.contacts if c.email}
    for item in items:
        clean, errors = clean_contact(**{key: item.get(key) for key in FIELDS})
        if errors:  # a caller that skipped the check: refuse rather than store bad data
            raise Invalid(errors)
        contact = by_email.get(clean["email"]) if clean["email"] else None
        if contact is None:
            same = next((c for c in unit.contacts if not c.email and c.name == clean["name"]
                         and c.phone == clean["phone"]), None)
            if same is not None:
                continue  # the same phone-only contact imported again
            contact = UnitContact()
            unit.contacts.append(contact)
            added += 1
        for key in FIELDS:
            if clean[key] or contact.id is None:
                setattr(contact, key, clean[key])
        if clean["email"]:
            by_email[clean["email"]] = contact
    db.session.flush()
    return added


def _label(contact: UnitContact) -> str:
    return contact.name or contact.email or contact.phone or ""
