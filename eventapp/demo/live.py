"""``demo --live``: the seed's event moved to the coming days and filled with sample data.

The event is a clone of the faithful 2020 event (``events.cloning``: one shifting rule), its
first session ``LIVE_DAYS`` after today, so the seed's deadlines (9 and 4 days before it)
fall 5 and 10 days from today. The sample data is made by the domains' own services, as
the people it pretends to be (each unit's account, the organizer, the door staff), so it
obeys every rule a real submission does.

Decisions where the issue is silent:
- the slug is ``doi-thoai-demo``, the same whatever the day (a year in it would make a
  second run across New Year a second event); if that event exists it is left exactly as
  it is, so a second run, even weeks later, changes nothing (delete the database to start
  over);
- the few check-ins are recorded now, by the door staff's account, as manual check-ins at
  the desk: an arrival before the session opens is what a rehearsal looks like.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from eventapp import formatting
from eventapp.accounts.models import User
from eventapp.checkin import services as checkin
from eventapp.checkin.models import Method
from eventapp.clock import now
from eventapp.events import deadlines
from eventapp.events.cloning import clone_event
from eventapp.events.models import Event
from eventapp.events.services import get_event, grant_extension
from eventapp.questions import moderation, similarity
from eventapp.questions import services as questions
from eventapp.questions.models import Question
from eventapp.registration import printing
from eventapp.registration import services as registration
from eventapp.registration.models import Attendee
from eventapp.text import fold

from . import dossiers
from .samples import SEED, People, samples

#: Days from today to the first session of the live event.
LIVE_DAYS = 14
LIVE_SLUG = "doi-thoai-demo"


@dataclass(frozen=True)
class Actors:
    """The demo accounts the sample data is made as: unit accounts by unit code."""

    organizer: User
    staff: User
    units: dict[str, User]


def first_day(source: Event):
    """The live event's first session day: ``LIVE_DAYS`` after today in the event's zone."""
    return formatting.local(now(), source).date() + timedelta(days=LIVE_DAYS)


def load_live(source: Event, actors: Actors) -> tuple[Event, bool]:
    """The live event and whether this call made it (False: it existed, nothing changed)."""
    existing = get_event(LIVE_SLUG)
    if existing is not None:
        return existing, False
    event = clone_event(source, LIVE_SLUG, first_day(source), user=actors.organizer)
    rng = random.Random(SEED)
    people = People(rng)
    by_unit = submit_questions(event, actors, people, rng)
    moderate(event, by_unit, actors.organizer)
    extend(event, actors.organizer)
    attendees = register_delegates(event, actors, people)
    print_settings(event, actors.organizer)
    check_in(event, attendees, actors.staff, rng)
    dossiers.file_dossiers(event, actors, people, rng)
    return event, True


#: What only an organizer can fill in the letters (invented: number and signer).
LETTER = {"number": "68-GM/TĐTN-BTG", "signer_title": "PHÓ BÍ THƯ",
          "signer_name": "Trần Minh Khôi"}


def print_settings(event: Event, organizer: User) -> None:
    """The letters' settings as an organizer leaves them: the suggested ones (place, date a
    week before, short badge name) with a number and a signer, so invitations print whole."""
    registration.save_settings(event, {**printing.defaults(event), **LETTER}, organizer)


# --- Questions ---------------------------------------------------------------------------------

def question_texts(rng: random.Random, near: list[str]) -> list[list[str]]:
    """Per topic, situation + request pairs of that topic in a random order, keeping only
    those that read unlike every one kept before and every near-duplicate: the
    moderation page's suggestions are then the designed near-duplicate groups alone."""
    kept = [fold(text) for text in near]
    texts = []
    for topic in samples()["topics"]:
        pairs = [f"{s}, {r}{'?' if 'cho biết' in r else '.'}"
                 for s in topic["situations"] for r in topic["requests"]]
        rng.shuffle(pairs)
        distinct = []
        for text in pairs:
            folded = fold(text)
            if all(similarity.score(folded, other) < similarity.THRESHOLD - 1 for other in kept):
                kept.append(folded)
                distinct.append(text)
        texts.append(distinct)
    return texts


def _asker(people: People, unit) -> tuple[str, str]:
    """Who asks: a team leader of a school in the district, or a school union officer."""
    if people.rng.random() < 0.2:
        return "", ""  # a unit often sends its list without names
    if unit.kind == "district":
        return people.name(), ("Giáo viên Tổng phụ trách Đội, "
                               + people.school(unit.code, unit.name))
    return people.name(), people.rng.choice(samples()["school_positions"])


def submit_questions(event: Event, actors: Actors, people: People, rng: random.Random
                     ) -> dict[str, list[Question]]:
    """Each unit's questions as its own account sends them: the near-duplicates first,
    then distinct ones spread over the topics (the "other" topic least)."""
    data = samples()
    topic_ids = [topic_id for topic_id, _ in questions.topics_of(event)]
    near: dict[str, list[tuple[int, str]]] = {}
    for group in data["near_duplicates"]:
        for code, text in group["questions"]:
            near.setdefault(code, []).append((group["topic"], text))
    texts = question_texts(rng, [text for pairs in near.values() for _, text in pairs])
    sent = {}
    for code, count in data["question_counts"].items():
        if not count:
            continue
        unit = questions.unit_by_code(event, code)
        wanted = list(near.get(code, []))
        while len(wanted) < count and any(texts):
            topic = rng.choices(range(len(texts)), weights=[3, 3, 2, 2, 1])[0]
            if texts[topic]:
                wanted.append((topic, texts[topic].pop()))
        drafts = []
        for topic, content in wanted:
            name, position = _asker(people, unit)
            drafts.append(questions.draft_or_invalid(
                event, content=content, topic=topic_ids[topic], topic_is_id=True,
                asker_name=name, asker_position=position))
        sent[code] = questions.submit(event, unit, drafts, user=actors.units[code]).questions
    return sent


def moderate(event: Event, by_unit: dict[str, list[Question]], organizer: User) -> None:
    """Select a few questions, put them in topic order for the dialogue, reject two."""
    data = samples()
    for code, index in data["selected"]:
        moderation.set_status(by_unit[code][index], "selected", user=organizer)
    for code, index in data["rejected"]:
        moderation.set_status(by_unit[code][index], "rejected", user=organizer)
    chosen = moderation.selected(event)
    moderation.reorder(event, [q.id for q in sorted(chosen, key=lambda q: q.topic_id)],
                       user=organizer)


def extend(event: Event, organizer: User) -> None:
    """One unit short of its questions gets three more days (gia hạn), as units often do."""
    spec = samples()["extension"]
    unit = questions.unit_by_code(event, spec["unit"])
    due = deadlines.kind(questions.KIND).deadline_of(event) + timedelta(days=spec["days"])
    grant_extension(event, unit, questions.KIND, due, spec["reason"], organizer)


# --- Delegates and check-ins -----------------------------------------------------------------

#: What each kind of unit sends: (category key, session keys, how many).
DELEGATES = {
    "district": [("tpt-doi", ["doi-thoai"], 2), ("clb-tpt", ["so-ket"], 2),
                 ("hoi-dong-doi", ["doi-thoai", "so-ket"], 1)],
    "other": [("tro-ly-thanh-nien", ["doi-thoai"], 2)],
}


def _person(people: People, category: str, sessions: list[str], position: str,
            workplace: str, **extra) -> dict:
    return {"full_name": people.name(), "category": category, "sessions": sessions,
            "position": position, "workplace": workplace, "phone": people.phone(),
            "email": "", **extra}


def register_delegates(event: Event, actors: Actors, people: People) -> list[Attendee]:
    """The organizer's guests and honorees, then each unit's delegates by its account."""
    registered = []
    for name, position, workplace in samples()["guests"]:
        guest = _person(people, "lanh-dao", ["doi-thoai", "so-ket"], position, workplace,
                        unit="", seat=f"A{len(registered) + 1}")
        guest["full_name"] = name
        registered.append(registration.register(event, actors.organizer, guest))
    for code in ("BATRI", "BINHDAI", "TPBENTRE"):
        unit = questions.unit_by_code(event, code)
        registered.append(registration.register(event, actors.organizer, _person(
            people, "vinh-danh", ["doi-thoai"], "Giáo viên Tổng phụ trách Đội",
            people.school(code, unit.name), unit=code)))
    for participation in event.participations:
        unit = participation.unit
        plan = DELEGATES["district" if unit.kind == "district" else "other"]
        for category, sessions, count in plan:
            for _ in range(count):
                position = ("Giáo viên Tổng phụ trách Đội" if category != "tro-ly-thanh-nien"
                            else people.rng.choice(samples()["school_positions"]))
                registered.append(registration.register(
                    event, actors.units[unit.code],
                    _person(people, category, sessions, position,
                            people.school(unit.code, unit.name))))
    return registered


def check_in(event: Event, attendees: list[Attendee], staff: User, rng: random.Random) -> None:
    """A few early arrivals at the first session, checked in at the desk."""
    session = event.sessions[0]
    invited = [a for a in attendees if session in a.sessions]
    for attendee in rng.sample(invited, samples()["checked_in"]):
        checkin.check_in_attendee(event, session, attendee.id, staff=staff,
                                  method=Method.manual, device="Bàn đón tiếp")
