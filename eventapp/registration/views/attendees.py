"""Registration pages: the attendee list with filters, the form, import, export, settings.

Printing (QR images, invitations, badges) lives in ``documents.py`` on the same blueprint.
Organizers see and change everything; a unit account only its own delegates, and changes
them only before its registration deadline. Check-in staff have no access here.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.clock import now
from eventapp.events.models import Event
from eventapp.events.rules import is_open
from eventapp.events.services import effective_deadline, is_open_for
from eventapp.events.summaries import Summary
from eventapp.formatting import number
from eventapp.forms import EmptyForm
from eventapp.params import storable_int
from eventapp.policy import EVENT, policy
from eventapp.registration import (
    access,
    attendance,
    checkins,
    exports,
    imports,
    invitations,
    queries,
    services,
)
from eventapp.registration.catalog import Catalog
from eventapp.registration.forms import AttendeeForm, ImportForm, ReviewForm
from eventapp.registration.settings import DEADLINE, approval_required
from eventapp.registration.views import ATTENDEE, MEMBER, bp
from eventapp.registration.views import attendance as attendance_views
from eventapp.views import run_import, safe_next, send_xlsx, shown_unit, submit_form

__all__ = ["bp"]

FORM_FIELDS = ("full_name", "position", "workplace", "category", "sessions", "phone", "email",
               "seat")


def _unit_choices(event) -> list[tuple[str, str]]:
    return [("", "Khách mời (không thuộc đơn vị)")] + [(u.code, event.unit_name(u))
                                                       for u in event.units]


def _can_change(event, unit_id) -> bool:
    """``access.may_change_attendees``; the unit's deadline is read only when it decides."""
    return access.may_change_attendees(current_user, unit_id, registration_open=False) or \
        access.may_change_attendees(current_user, unit_id, registration_open=is_open_for(
            event, unit_id, DEADLINE))


def _page_number() -> int:
    return request.args.get("page", 1, type=storable_int)


def rights(event) -> dict[str, bool]:
    """The named answers the registration pages show or hide things by (``may.review`` …),
    from ``access``; the templates never look at the user's role themselves."""
    return {
        "change_any_time": access.may_change_any_time(current_user, event),
        "review": access.may_review(current_user, event),
        "manage": access.may_manage_registration(current_user, event),
        "as_unit": access.speaks_as_unit(current_user, event),
    }


def _list_context(event, import_form=None, row_errors=None) -> dict:
    catalog = Catalog(event)
    filters = queries.parse_filters(catalog, request.args, current_user)
    page = queries.page_of(event, filters, _page_number())
    items = page.items
    session_id = filters.session.id if filters.session else None
    unit = filters.unit
    unit_id = filters.unit.id if current_user.is_unit else None
    deadline = effective_deadline(event, unit_id, DEADLINE)
    if import_form is None:
        import_form = ImportForm()
        import_form.unit.choices = _unit_choices(event)
    return {
        "event": event, "catalog": catalog, "filters": filters, "items": items,
        "total": page.total, "page": page, "rows": list(enumerate(items, start=page.first)),
        "arrived": checkins.first_checkins(event.id, session_id, [a.id for a in items]),
        "unit_seats": queries.unit_seats(event, unit) if unit else [],
        "session_seats": queries.session_seats(event),
        "deadline": deadline, "deadline_open": is_open(now(), deadline),
        "is_open": _can_change(event, unit_id), "import_form": import_form,
        "row_errors": row_errors or [], "units": event.units if current_user.is_organizer
        else [], "guests_key": queries.GUESTS,
        "signature_sheets": _signature_links(event, catalog, filters),
        "may_record": {a.id: attendance_views.permissions(a) for a in items},
        "excused": attendance.excuses([a.id for a in items]),
        "replaced": attendance.substitutions([a.id for a in items if not a.is_active]),
        "invited": invitations.latest([a.id for a in items]),
        "approval_on": approval_required(event),
        "waiting": queries.waiting(event) if current_user.is_organizer else 0,
        "review_form": ReviewForm(), "may": rights(event),
    }


def _signature_links(event, catalog, filters) -> list[tuple[str, str, str]]:
    """(session name, print page, Excel) of each session's signature sheet, for the list's
    unit and filters."""
    args = {**filters.args(), "status": None}
    links = []
    for session in catalog.sessions:
        args["session"] = session.key
        links.append((session.name,
                      url_for("registration.signature_sheet", slug=event.slug, **args),
                      url_for("registration.signature_sheet_xlsx", slug=event.slug, **args)))
    return links


def _form_rights(event, attendee=None) -> dict[str, bool]:
    """``rights`` plus the attendee form's own answers."""
    return {**rights(event),
            "resubmit": access.resubmits_for_review(current_user, attendee),
            "reissue": access.may_reissue_code(current_user, attendee)}


@bp.get("/")
@policy(*MEMBER, load=EVENT)
def index(event: Event):
    return render_template("registration/index.html", **_list_context(event))


def _form(event, attendee=None) -> AttendeeForm:
    catalog = Catalog(event)
    form = AttendeeForm(obj=attendee)
    categories = catalog.categories if current_user.is_organizer else \
        catalog.unit_categories(attendee.category if attendee else None)
    form.category.choices = [("", "— Chọn thành phần —")] + [(c.key, c.name)
                                                              for c in categories]
    form.sessions.choices = [(s.key, f"Phiên {i}: {s.name}")
                             for i, s in enumerate(catalog.sessions, 1)]
    form.unit.choices = _unit_choices(event)
    if attendee is not None and request.method == "GET":
        form.category.data = attendee.category.key
        form.sessions.data = [s.key for s in attendee.sessions]
        form.unit.data = attendee.unit.code if attendee.unit else ""
    elif attendee is None and request.method == "GET":
        form.unit.data = request.args.get("unit", "")
    return form


def _raw(form: AttendeeForm) -> dict:
    raw = {name: getattr(form, name).data for name in FORM_FIELDS}
    if current_user.is_organizer:
        raw["unit"] = form.unit.data or None
    else:  # the unit the page is about: a parent's child is named in the URL
        raw["unit"] = request.args.get("unit") or None
    return raw


def _acted_for_code() -> str | None:
    """A parent's chosen child (``?unit=``), kept on the links of the pages it goes to."""
    return request.args.get("unit") or None if current_user.is_unit else None


def _list_url(event, unit) -> str:
    """The list to go back to: a parent acting for a child returns to that child's list."""
    child = current_user.is_unit and unit is not None and unit.id != current_user.unit_id
    return url_for("registration.index", slug=event.slug, unit=unit.code if child else None)


@bp.route("/new", methods=["GET", "POST"])
@policy(*MEMBER, load=EVENT)
def new(event: Event):
    unit = shown_unit(event) if current_user.is_unit else None
    back = _list_url(event, unit)
    if not _can_change(event, unit.id if unit else None):
        flash("Đã hết hạn đăng ký đại biểu; đơn vị chỉ xem được danh sách.", "warning")
        return redirect(back)
    form = _form(event)
    if submit_form(form, lambda: services.register(event, current_user, _raw(form)),
                   lambda attendee: f"Đã đăng ký {attendee.full_name} ({attendee.unit_name}).",
                   ).done:
        if request.form.get("then") == "new":
            return redirect(url_for("registration.new", slug=event.slug,
                                    unit=request.form.get("unit") or _acted_for_code()))
        return redirect(back)
    return render_template("registration/form.html", event=event, form=form, attendee=None,
                           seats=queries.unit_seats(event, unit) if unit else [], unit=unit,
                           may=_form_rights(event))


@bp.route("/<int:attendee_id>/edit", methods=["GET", "POST"])
@policy(*MEMBER, load=ATTENDEE)
def edit(event: Event, attendee):
    form = _form(event, attendee)
    if submit_form(form, lambda: services.update(attendee, current_user, _raw(form)),
                   f"Đã lưu thông tin {attendee.full_name}.").done:
        return redirect(_list_url(event, attendee.unit))
    return render_template("registration/form.html", event=event, form=form,
                           attendee=attendee, seats=queries.unit_seats(event, attendee.unit)
                           if current_user.is_unit and attendee.unit else [],
                           unit=attendee.unit,
                           replaces=attendance.replaced_by(attendee),
                           can_change=attendee.is_current and _can_change(event,
                                                                          attendee.unit_id),
                           may=_form_rights(event, attendee))


@bp.post("/<int:attendee_id>/cancel")
@policy(*MEMBER, load=ATTENDEE)
def cancel(event: Event, attendee):
    submit_form(EmptyForm(), lambda: services.cancel(attendee, current_user),
                f"Đã hủy đăng ký {attendee.full_name}; mã check-in của người này không còn "
                "dùng được.", on_page=False)
    return redirect(safe_next(request.form.get("next")) or _list_url(event, attendee.unit))


@bp.post("/<int:attendee_id>/reissue")
@policy(Role.organizer, load=ATTENDEE)
def reissue(event: Event, attendee):
    submit_form(EmptyForm(), lambda: services.reissue_code(attendee, current_user),
                f"Đã cấp mã check-in mới cho {attendee.full_name}; giấy mời và thẻ in trước "
                "đây không còn dùng được, hãy in lại.", on_page=False)
    return redirect(url_for("registration.edit", slug=event.slug, attendee_id=attendee.id))


@bp.post("/import")
@policy(*MEMBER, load=EVENT)
def import_file(event: Event):
    form = ImportForm()
    form.unit.choices = _unit_choices(event)
    unit_code = form.unit.data if current_user.is_organizer else _acted_for_code()
    imported, row_errors = run_import(
        form, lambda data: imports.import_attendees(event, current_user, data, unit_code),
        "Đã nhập {count} đại biểu.")
    if imported:
        return redirect(url_for("registration.index", slug=event.slug, unit=_acted_for_code()))
    return render_template("registration/index.html",
                           **_list_context(event, form, row_errors)), 422


@bp.get("/template.xlsx")
@policy(*MEMBER, load=EVENT)
def import_template(event: Event):
    return send_xlsx(imports.import_template(event, current_user.is_organizer),
                     f"mau-dang-ky-dai-bieu-{event.slug}.xlsx")


@bp.get("/export.xlsx")
@policy(*MEMBER, load=EVENT)
def export(event: Event):
    filters = queries.parse_filters(Catalog(event), request.args, current_user)
    handle, name = exports.export(event, filters)
    return send_xlsx(handle, name)


def registration_summary(event, unit) -> Summary | None:
    """The unit home page's line: how many delegates, and how full each cap is."""
    seats = queries.unit_seats(event, unit)
    total = queries.unit_total(event, unit)
    deadline = effective_deadline(event, unit.id, DEADLINE)
    status = f"{number(total)} đại biểu đã đăng ký"
    if pending := queries.unit_total(event, unit, "pending"):
        status += f" ({number(pending)} chờ Ban tổ chức duyệt)"
    if rejected := queries.unit_total(event, unit, "rejected"):
        status += f"; {number(rejected)} bị từ chối"
    return Summary(
        title="Đăng ký đại biểu", status=status,
        url=url_for("registration.index", slug=event.slug), deadline=deadline,
        is_open=is_open_for(event, unit.id, DEADLINE),
        done=all(s.full for s in caps) if (caps := [s for s in seats if s.kind == "cap"])
        else total > 0,
        details=[f"{s.label}: {s.text}" for s in seats])
