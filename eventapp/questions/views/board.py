"""The organizer's compliance board (tiến độ gửi câu hỏi) and the Excel exports."""

from __future__ import annotations

import functools

from flask import render_template, request, url_for

from eventapp.accounts.models import Role
from eventapp.events.models import Event
from eventapp.formatting import local_dt
from eventapp.policy import EVENT, policy
from eventapp.units.rules import GROUP_BY_PARENT
from eventapp.views import send_xlsx

from .. import board, exports, rules, settings
from . import bp

SORT_LABELS = {"name": "Đơn vị", "count": "Số câu", "short": "Còn thiếu",
               "last": "Gửi gần nhất"}


def _sorting() -> tuple[str, bool]:
    key = request.args.get("sort", "name")
    return (key if key in rules.SORT_KEYS else "name"), request.args.get("dir") == "desc"


def board_page(event: Event):
    """Every unit's count against the minimum (one query), sortable; short units stand out."""
    key, descending = _sorting()
    rows = rules.sort_rows(board.compliance(event), key, descending)
    only_short = request.args.get("only") == "short"
    totals = board.totals(rows)
    if only_short:
        rows = [r for r in rows if not r.met]
    by_parent = request.args.get("group") == GROUP_BY_PARENT
    topics = board.topic_totals(event)
    chart = {"labels": [t.name for t in topics],
             "submitted": [t.submitted for t in topics],
             "selected": [t.selected for t in topics]}
    unit_base = url_for("questions.unit_page", slug=event.slug, code="-")[:-1]
    sections = board.grouped(rows) if by_parent else [board.BoardGroup(None, "", rows, totals)]
    page = board.BoardPage(sections, request.args.get("page", 1, type=int))
    return render_template("questions/board.html", event=event, totals=totals,
                           topics=topics, chart=chart, sort=key, descending=descending,
                           only_short=only_short, sort_labels=SORT_LABELS, page=page,
                           group=GROUP_BY_PARENT if by_parent else None,
                           unit_base=unit_base, when=_formatter(event.timezone),
                           quotas=settings.of(event))


def _formatter(tz: str):
    """``HH:MM dd/mm/yyyy`` or "—", remembering repeated instants (most units share the
    event's deadline) so a 1,000-row board formats each instant once."""
    @functools.cache
    def when(value) -> str:
        return local_dt(value, tz) if value else "—"

    return when


@bp.get("/board")
@policy(Role.organizer, load=EVENT)
def board_view(event: Event):
    return board_page(event)


@bp.get("/board.xlsx")
@policy(Role.organizer, load=EVENT)
def board_export(event: Event):
    key, descending = _sorting()
    by_parent = request.args.get("group") == GROUP_BY_PARENT
    return send_xlsx(exports.board_workbook(event, key, descending, by_parent),
                     f"tien-do-cau-hoi-{event.slug}.xlsx")


@bp.get("/export.xlsx")
@policy(Role.organizer, load=EVENT)
def export(event: Event):
    by_parent = request.args.get("group") == GROUP_BY_PARENT
    return send_xlsx(exports.questions_workbook(event, by_parent),
                     f"cau-hoi-theo-chu-de-{event.slug}.xlsx")
