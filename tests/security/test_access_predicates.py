"""The pure predicates of ``<domain>/access.py`` (no database, no request), and the rules
``@policy`` enforces on a declaration."""

from __future__ import annotations

from types import SimpleNamespace as Obj

import pytest

from eventapp.accounts.models import Role
from eventapp.events.access import may_see_event
from eventapp.nominations.access import (
    may_file,
    may_see_file,
    may_see_nomination,
    unit_may_nominate,
)
from eventapp.nominations.models import NominationStatus
from eventapp.questions.access import may_see_question
from eventapp.registration.access import may_change_attendees, may_see_attendee
from eventapp.units.access import acts_for

DISTRICT, SCHOOL = Obj(id=1, kind="district"), Obj(id=2, kind="high_school")
ORGANIZER = Obj(role=Role.organizer, unit_id=None, unit=None)
CHECKIN = Obj(role=Role.checkin, unit_id=None, unit=None)
UNIT_1 = Obj(role=Role.unit, unit_id=1, unit=DISTRICT, child_unit_ids=frozenset())
UNIT_2 = Obj(role=Role.unit, unit_id=2, unit=SCHOOL, child_unit_ids=frozenset())
#: An API token's holder carries the role as a plain string.
TOKEN_1 = Obj(role="unit", unit_id=1, child_unit_ids=frozenset())
#: Unit 4 is the parent (đơn vị cấp trên) of unit 1; unit 5 the parent of unit 4.
PARENT_OF_1 = Obj(role=Role.unit, unit_id=4, child_unit_ids=frozenset({1}))
GRANDPARENT_OF_1 = Obj(role="unit", unit_id=5, child_unit_ids=frozenset({4}))


@pytest.mark.parametrize("user, unit_id, expected", [
    (UNIT_1, 1, True), (TOKEN_1, 1, True), (UNIT_1, 2, False), (UNIT_1, None, False),
    (ORGANIZER, 1, False), (CHECKIN, 1, False),
    (Obj(role=Role.unit, unit_id=None, child_unit_ids=frozenset()), None, False),
    (PARENT_OF_1, 1, True), (PARENT_OF_1, 4, True), (PARENT_OF_1, 2, False),
    (GRANDPARENT_OF_1, 4, True), (GRANDPARENT_OF_1, 1, False),
    # a checker whose row kept a stale child list still is not a unit account
    (Obj(role=Role.checkin, unit_id=4, child_unit_ids=frozenset({1})), 1, False),
])
def test_acts_for(user, unit_id, expected):
    assert acts_for(user, unit_id) is expected


@pytest.mark.parametrize("user, expected", [
    (ORGANIZER, True), (CHECKIN, True), (UNIT_1, True), (TOKEN_1, True), (UNIT_2, False)])
def test_may_see_event(user, expected):
    event = Obj(participations=[Obj(unit_id=1), Obj(unit_id=3)])
    assert may_see_event(user, event) is expected


@pytest.mark.parametrize("user, expected", [
    (ORGANIZER, True), (UNIT_1, True), (UNIT_2, False), (CHECKIN, False),
    (PARENT_OF_1, True), (GRANDPARENT_OF_1, False)])
def test_questions_and_attendees_of_unit_1(user, expected):
    assert may_see_question(user, Obj(unit_id=1)) is expected
    assert may_see_attendee(user, Obj(unit_id=1)) is expected


def test_guests_belong_to_organizers():
    assert may_see_attendee(ORGANIZER, Obj(unit_id=None))
    assert not may_see_attendee(UNIT_1, Obj(unit_id=None))


@pytest.mark.parametrize("user, unit_id, open_, expected", [
    (ORGANIZER, 1, False, True), (ORGANIZER, None, False, True), (UNIT_1, 1, True, True),
    (UNIT_1, 1, False, False), (UNIT_1, 2, True, False), (CHECKIN, 1, True, False),
    (PARENT_OF_1, 1, True, True), (PARENT_OF_1, 1, False, False), (PARENT_OF_1, 2, True, False)])
def test_may_change_attendees(user, unit_id, open_, expected):
    assert may_change_attendees(user, unit_id, registration_open=open_) is expected


@pytest.mark.parametrize("status", list(NominationStatus))
def test_organizers_see_every_dossier_but_an_unsent_draft(status):
    dossier = Obj(unit_id=1, status=status)
    assert may_see_nomination(ORGANIZER, dossier) is (status != NominationStatus.draft)
    assert may_see_nomination(UNIT_1, dossier)
    assert not may_see_nomination(UNIT_2, dossier)
    assert may_see_nomination(PARENT_OF_1, dossier)
    assert not may_see_nomination(GRANDPARENT_OF_1, dossier)
    assert may_see_file(ORGANIZER, Obj(unit_id=1, nomination=dossier)) is \
        (status != NominationStatus.draft)


def test_a_units_letter_is_seen_by_it_and_organizers():
    letter = Obj(unit_id=1, nomination=None)
    assert may_see_file(ORGANIZER, letter) and may_see_file(UNIT_1, letter)
    assert not may_see_file(UNIT_2, letter) and not may_see_file(CHECKIN, letter)


def test_only_allowed_unit_kinds_file_dossiers():
    rules = Obj(unit_kinds=["district"])  # the event's NominationRules
    assert unit_may_nominate(rules, UNIT_1.unit)
    assert not unit_may_nominate(rules, UNIT_2.unit)
    assert not unit_may_nominate(Obj(unit_kinds=None), UNIT_1.unit)
    assert not may_file(ORGANIZER, Obj(id=1))  # organizers review, they never file


def test_every_event_is_only_for_roles_that_see_every_event():
    from eventapp.policy import EVENT, policy

    policy(Role.checkin, Role.organizer, api=True, every_event=True)  # the door's scan
    with pytest.raises(ValueError):
        policy(Role.unit, every_event=True)
    with pytest.raises(ValueError):
        policy(Role.checkin, load=EVENT, every_event=True)
    with pytest.raises(ValueError):
        policy()  # a route names who may call it


def test_the_declaration_is_kept_on_the_view():
    from eventapp.policy import EVENT, policy

    @policy(Role.organizer, Role.unit, load=EVENT)
    def view(event):
        return event

    assert view.policy.roles == {Role.organizer, Role.unit}
    assert view.policy.loaders == (EVENT,) and not view.policy.api
