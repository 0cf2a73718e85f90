"""Dashboard pages: thin — the figures come from ``queries``."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from eventapp.accounts.models import Role
from eventapp.clock import now
from eventapp.errors import NotFound
from eventapp.extensions import db
from eventapp.formatting import local
from eventapp.params import storable_int
from eventapp.policy import policy
from eventapp.schemas import EARLIEST_YEAR, LATEST_YEAR
from eventapp.units.models import Unit

from . import queries, rules

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

UNITS_PER_PAGE = 50


@bp.get("/")
@policy(Role.organizer)
def index():
    """The organizer's home: what needs attention across every event, and the year."""
    at = now()
    events = queries.events()
    year = request.args.get("year", type=storable_int) or local(at).year
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        year = local(at).year
    return render_template("dashboard/index.html", due=queries.due_deadlines(events, at),
                           waiting=queries.waiting(events), running=queries.running_sessions(at),
                           year=year, months=queries.year_view(events, year),
                           years=sorted(set(queries.years(events)) | {year, local(at).year}),
                           due_days=rules.DUE_DAYS, now=at)


@bp.get("/units")
@policy(Role.organizer)
def units():
    """Every unit, with how many of its deadlines across events it met on time, late or not."""
    page = db.paginate(db.select(Unit).order_by(Unit.name, Unit.id),
                       page=max(1, request.args.get("page", 1, type=storable_int)),
                       per_page=UNITS_PER_PAGE, error_out=False)
    history = queries.unit_history([u.id for u in page.items], now()) if page.items else {}
    return render_template("dashboard/units.html", page=page,
                           tallies={uid: queries.tally(lines) for uid, lines in history.items()},
                           outcomes=list(rules.Outcome))


@bp.get("/units/<int:unit_id>")
@policy(Role.organizer)
def unit(unit_id: int):
    """One unit across events: each deadline that concerned it, sent on time, late or not."""
    found = db.session.get(Unit, unit_id)
    if found is None:
        raise NotFound("Không tìm thấy đơn vị.")
    lines = queries.unit_history([found.id], now())[found.id]
    return render_template("dashboard/unit.html", unit=found, lines=lines,
                           tally=queries.tally(lines), outcomes=list(rules.Outcome))
