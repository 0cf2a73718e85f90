"""The event's notice switches (bật/tắt thông báo tự động) as a part of the event settings:
one box per kind on the event form, ``notices.off`` in the API's event JSON, copied by a clone.

An event definition has no ``notices`` section (the definition parser owns its schema), so
loading one keeps the event's switches as they are: every kind on for a new event.
"""

from __future__ import annotations

from flask import Flask

from eventapp.events import cloning
from eventapp.events import settings as event_settings
from eventapp.messages import notices
from eventapp.messages.forms import FIELD, NoticeSettingsForm


def _values(event) -> dict:
    off = notices.switched_off(event)
    return {FIELD.format(key): key not in off for key in notices.KINDS}


def _apply(event, values: dict) -> None:
    notices.store(event, [key for key in notices.KINDS if not values[FIELD.format(key)]])


PART = event_settings.SettingsPart(
    key="notices", legend="Thông báo tự động",
    form=NoticeSettingsForm, values=_values, apply=_apply,
    load=lambda event, definition: None,
    describe=lambda event: {"off": sorted(notices.switched_off(event))})


def contribute(app: Flask) -> None:
    event_settings.register(app, PART)
    cloning.register(app, "notices", lambda source, target, shift: notices.store(
        target, notices.switched_off(source)))
