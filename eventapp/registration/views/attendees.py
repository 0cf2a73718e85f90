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
from eventapp.errors import DomainError
from eventapp.events.models import DeadlineKind, Event
from eventapp.events.services import effective_deadline, is_open_for
from eventapp.events.summaries import Summary
from eventapp.forms import EmptyForm
from eventapp.params import storable_int
from eventapp.policy import EVENT, policy
from eventapp.registration import access, checkins, exports, imports, printing, queries, services
from eventapp.registration.catalog import Catalog
from eventapp.registration.forms import AttendeeForm, ImportForm, SettingsForm
from eventapp.registration.views import ATTENDEE, MEMBER, bp
from eventapp.views import apply_errors, run_import, safe_next, send_xlsx

__all__ = ["bp"]

FORM_FIELDS = ("full_name", "position", "workplace", "category", "sessions", "phone", "email",
               "seat")


def _unit_choices(event) -> list[tuple[str, str]]:
    return [("", "Khách mời (không thuộc đơn vị)")] + [(u.code, u.name) for u in event.units]


def _can_change(event, unit_id) -> bool:
    """``access.may_change_attendees``; the unit's deadline is read only when it decides."""
    return access.may_change_attendees(current_user, unit_id, registration_open=False) or \
        access.may_change_attendees(current_user, unit_id, registration_open=is_open_for(
            event, unit_id, DeadlineKind.registration))


def _page_number() -> int:
    return request.args.get("page", 1, type=storable_int)


def page_links(page: int, pages: int) -> list[int | None]:
    """Page numbers to link: the first, the last, and three either side (None = "…")."""
    shown = sorted({1, pages, *range(max(1, page - 3), min(pages, page + 3) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - links[-1] > 1:
            links.append(None)
        links.append(number)
    return links


def _list_context(event, import_form=None, row_errors=None) -> dict:
    catalog = Catalog(event)
    filters = queries.parse_filters(catalog, request.args, current_user)
    items, total, pages = queries.page_of(event, filters, _page_number())
    page = min(_page_number(), pages)
    session_id = filters.session.id if filters.session else None
    unit = current_user.unit if current_user.is_unit else filters.unit
    unit_id = current_user.unit_id if current_user.is_unit else None
    deadline = effective_deadline(event, unit_id, DeadlineKind.registration)
    if import_form is None:
        import_form = ImportForm()
        import_form.unit.choices = _unit_choices(event)
    return {
        "event": event, "catalog": catalog, "filters": filters, "items": items,
        "total": total, "pages": pages, "page": page, "page_links": page_links(page, pages),
        "arrived": checkins.first_checkins(event.id, session_id, [a.id for a in items]),
        "unit_seats": queries.unit_seats(event, unit) if unit else [],
        "session_seats": queries.session_seats(event),
        "deadline": deadline, "deadline_open": deadline is None or now() < deadline,
        "is_open": _can_change(event, unit_id), "import_form": import_form,
        "row_errors": row_errors or [], "units": event.units if current_user.is_organizer
        else [], "guests_key": queries.GUESTS,
    }


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
    return raw


@bp.route("/new", methods=["GET", "POST"])
@policy(*MEMBER, load=EVENT)
def new(event: Event):
    unit_id = current_user.unit_id if current_user.is_unit else None
    if not _can_change(event, unit_id):
        flash("Đã hết hạn đăng ký đại biểu; đơn vị chỉ xem được danh sách.", "warning")
        return redirect(url_for("registration.index", slug=event.slug))
    form = _form(event)
    if form.validate_on_submit():
        try:
            attendee = services.register(event, current_user, _raw(form))
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(f"Đã đăng ký {attendee.full_name} ({attendee.unit_name}).", "success")
            if request.form.get("then") == "new":
                return redirect(url_for("registration.new", slug=event.slug,
                                        unit=request.form.get("unit", "")))
            return redirect(url_for("registration.index", slug=event.slug))
    return render_template("registration/form.html", event=event, form=form, attendee=None,
                           seats=_seats_for_form(event))


def _seats_for_form(event):
    if current_user.is_unit:
        return queries.unit_seats(event, current_user.unit)
    return []


@bp.route("/<int:attendee_id>/edit", methods=["GET", "POST"])
@policy(*MEMBER, load=ATTENDEE)
def edit(event: Event, attendee):
    form = _form(event, attendee)
    if form.validate_on_submit():
        try:
            services.update(attendee, current_user, _raw(form))
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(f"Đã lưu thông tin {attendee.full_name}.", "success")
            return redirect(url_for("registration.index", slug=event.slug))
    return render_template("registration/form.html", event=event, form=form,
                           attendee=attendee, seats=_seats_for_form(event),
                           can_change=attendee.is_active and _can_change(event,
                                                                         attendee.unit_id))


@bp.post("/<int:attendee_id>/cancel")
@policy(*MEMBER, load=ATTENDEE)
def cancel(event: Event, attendee):
    if EmptyForm().validate_on_submit():
        try:
            services.cancel(attendee, current_user)
        except DomainError as error:
            apply_errors(None, error)
        else:
            flash(f"Đã hủy đăng ký {attendee.full_name}; mã check-in của người này không "
                  "còn dùng được.", "success")
    return redirect(safe_next(request.form.get("next"))
                    or url_for("registration.index", slug=event.slug))


@bp.post("/<int:attendee_id>/reissue")
@policy(Role.organizer, load=ATTENDEE)
def reissue(event: Event, attendee):
    if EmptyForm().validate_on_submit():
        try:
            services.reissue_code(attendee, current_user)
        except DomainError as error:
            apply_errors(None, error)
        else:
            flash(f"Đã cấp mã check-in mới cho {attendee.full_name}; giấy mời và thẻ in "
                  "trước đây không còn dùng được, hãy in lại.", "success")
    return redirect(url_for("registration.edit", slug=event.slug, attendee_id=attendee.id))


@bp.post("/import")
@policy(*MEMBER, load=EVENT)
def import_file(event: Event):
    form = ImportForm()
    form.unit.choices = _unit_choices(event)
    unit_code = form.unit.data if current_user.is_organizer else None
    imported, row_errors = run_import(
        form, lambda data: imports.import_attendees(event, current_user, data, unit_code),
        "Đã nhập {count} đại biểu.")
    if imported:
        return redirect(url_for("registration.index", slug=event.slug))
    return render_template("registration/index.html",
                           **_list_context(event, form, row_errors)), 422


@bp.get("/template.xlsx")
@policy(*MEMBER, load=EVENT)
def import_template(event: Event):
    return send_xlsx(imports.import_template(event), f"mau-dang-ky-dai-bieu-{event.slug}.xlsx")


@bp.get("/export.xlsx")
@policy(*MEMBER, load=EVENT)
def export(event: Event):
    filters = queries.parse_filters(Catalog(event), request.args, current_user)
    handle, name = exports.export(event, filters)
    return send_xlsx(handle, name)


@bp.route("/settings", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def settings(event: Event):
    setting = printing.settings_for(event)
    form = SettingsForm(obj=setting)
    if form.validate_on_submit():
        services.save_settings(event, {name: getattr(form, name).data
                                       for name in form.data if name != "csrf_token"},
                               current_user)
        flash("Đã lưu thông tin in giấy mời và thẻ đại biểu.", "success")
        return redirect(url_for("registration.index", slug=event.slug))
    return render_template("registration/settings.html", event=event, form=form)


def registration_summary(event, unit) -> Summary | None:
    """The unit home page's line: how many delegates, and how full each cap is."""
    seats = queries.unit_seats(event, unit)
    total = queries.unit_total(event, unit)
    deadline = effective_deadline(event, unit.id, DeadlineKind.registration)
    status = f"{total} đại biểu đã đăng ký"
    return Summary(
        title="Đăng ký đại biểu", status=status,
        url=url_for("registration.index", slug=event.slug), deadline=deadline,
        is_open=is_open_for(event, unit.id, DeadlineKind.registration),
        done=all(s.full for s in caps) if (caps := [s for s in seats if s.kind == "cap"])
        else total > 0,
        details=[f"{s.label}: {s.text}" for s in seats])
