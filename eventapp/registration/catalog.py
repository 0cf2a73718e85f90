"""An event's sessions, categories and units, looked up the way people type them."""

from __future__ import annotations

import re

from eventapp.events.models import Category, Event, EventSession
from eventapp.registration import settings
from eventapp.text import fold
from eventapp.units.models import Unit
from eventapp.units.rules import normal_code


class Catalog:
    """An event's sessions, categories and units, found by key, number or name."""

    def __init__(self, event: Event):
        self.event = event
        self.sessions: list[EventSession] = list(event.sessions)
        self.categories: list[Category] = list(event.categories)
        self._units: dict[str, Unit] | None = None
        self._organizer_only: set[int] | None = None

    @property
    def organizer_only(self) -> set[int]:
        """Ids of the categories only the organizer may register people in."""
        if self._organizer_only is None:
            self._organizer_only = settings.organizer_only(self.event)
        return self._organizer_only

    def unit_categories(self, keep: Category | None = None) -> list[Category]:
        """The categories a unit may choose (``keep``: the one its delegate already has)."""
        return [c for c in self.categories
                if c.id not in self.organizer_only or (keep is not None and c.id == keep.id)]

    def number(self, session: EventSession) -> int:
        """1-based position of a session in the event ("Phiên 1")."""
        return next(i for i, s in enumerate(self.sessions, 1) if s.id == session.id)

    def category(self, text) -> Category | None:
        key = fold(str(text or ""))
        return next((c for c in self.categories if c.key == str(text).strip()
                     or fold(c.name) == key or fold(c.key) == key), None) if key else None

    def session(self, token) -> EventSession | None:
        raw = str(token if token is not None else "").strip()
        found = next((s for s in self.sessions if s.key == raw), None)
        if found is not None or not raw:
            return found
        text = fold(raw)
        number = re.sub(r"^phien\s*", "", text)
        if number.isdecimal() and 1 <= int(number) <= len(self.sessions):
            return self.sessions[int(number) - 1]
        return next((s for s in self.sessions if fold(s.name) == text), None)

    def unit(self, code) -> Unit | None:
        if self._units is None:
            self._units = {u.code: u for u in self.event.units}
        return self._units.get(normal_code(code))


def session_label(catalog: Catalog, session: EventSession) -> str:
    return f"Phiên {catalog.number(session)}"
