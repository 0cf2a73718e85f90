"""Organizer pages for the units taking part in an event, for the unit kinds (loại đơn vị)
all events share, and for one unit across events (its history: rename, merge)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.accounts.services import unit_accounts
from eventapp.errors import Changed, Invalid
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.forms import EmptyForm
from eventapp.policy import EVENT, Loader, policy
from eventapp.units import contacts, history, kinds, services
from eventapp.units.access import may_see_unit
from eventapp.units.forms import (
    ContactForm,
    ImportForm,
    KindForm,
    KindNameForm,
    MergeForm,
    RenameForm,
    UnitForm,
)
from eventapp.units.models import Unit, UnitContact, UnitKindRow
from eventapp.views import run_import, send_xlsx, submit_form

bp = Blueprint("units", __name__, url_prefix="/events/<slug>/units")


def _fetch_unit(event: Event, unit_id: int) -> Unit | None:
    unit = db.session.get(Unit, unit_id)
    return unit if unit is not None and unit in event.units else None


#: A unit taking part in the event, by id: organizers, or an account acting for it.
UNIT = Loader("unit_id", "unit", _fetch_unit, may_see_unit, "Không tìm thấy đơn vị.")
kinds_bp = Blueprint("unit_kinds", __name__, url_prefix="/unit-kinds")


@bp.get("/")
@policy(Role.organizer, load=EVENT)
def index(event: Event):
    return render_template("units/index.html", event=event, units=event.units,
                           form=ImportForm())


@bp.route("/new", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def new(event: Event):
    form = UnitForm()
    if submit_form(form, lambda: _save(event, None, form), lambda unit: f"Đã thêm {unit.name}.",
                   refusals=Invalid).done:
        return redirect(url_for("units.index", slug=event.slug))
    return render_template("units/form.html", event=event, form=form, unit=None)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@policy(Role.organizer, load=UNIT)
def edit(event: Event, unit: Unit):
    form = UnitForm(obj=unit) if request.method == "GET" else UnitForm()
    if request.method == "GET":
        form.parent.data = unit.parent.code if unit.parent else ""
    if submit_form(form, lambda: _save(event, unit, form), lambda unit: f"Đã lưu {unit.name}.",
                   refusals=Invalid).done:
        return redirect(url_for("units.index", slug=event.slug))
    return render_template("units/form.html", event=event, form=form, unit=unit,
                           unit_accounts=unit_accounts(unit.id))


@bp.route("/<int:unit_id>/contacts/new", methods=["GET", "POST"],
          defaults={"contact_id": None})
@bp.route("/<int:unit_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@policy(Role.organizer, load=UNIT)
def contact(event: Event, unit: Unit, contact_id: int | None):
    """Add or change one of a unit's contacts (đầu mối liên hệ); the contact is looked up
    among the loaded unit's own (a loader fetches within the event, not within a unit)."""
    found = _contact_of(unit, contact_id) if contact_id is not None else None
    form = ContactForm(obj=found) if request.method == "GET" else ContactForm()
    if submit_form(form, lambda: contacts.save_contact(unit, found, form.data, current_user,
                                                       event_id=event.id),
                   f"Đã lưu người liên hệ của {unit.name}.", refusals=Invalid,
                   checked_by_service=True).done:
        return redirect(url_for("units.edit", slug=event.slug, unit_id=unit.id))
    return render_template("units/contact_form.html", event=event, unit=unit, form=form,
                           contact=found)


@bp.post("/<int:unit_id>/contacts/<int:contact_id>/delete")
@policy(Role.organizer, load=UNIT)
def remove_contact(event: Event, unit: Unit, contact_id: int):
    contacts.remove_contact(unit, _contact_of(unit, contact_id), current_user, event_id=event.id)
    flash(f"Đã xóa người liên hệ của {unit.name}.", "success")
    return redirect(url_for("units.edit", slug=event.slug, unit_id=unit.id))


def _contact_of(unit: Unit, contact_id: int) -> UnitContact:
    found = next((c for c in unit.contacts if c.id == contact_id), None)
    if found is None:
        abort(404)
    return found


def _save(event: Event, unit: Unit | None, form: UnitForm) -> Unit:
    return services.save_unit(event, unit, form.code.data, form.name.data, form.kind.data,
                              current_user, parent=form.parent.data)


@bp.post("/import")
@policy(Role.organizer, load=EVENT)
def import_file(event: Event):
    form = ImportForm()
    imported, row_errors = run_import(
        form, lambda data: services.import_units(event, data, current_user),
        "Đã nhập {count} đơn vị.")
    if imported:
        return redirect(url_for("units.index", slug=event.slug))
    return render_template("units/index.html", event=event, units=event.units, form=form,
                           row_errors=row_errors), 422


@bp.get("/template.xlsx")
@policy(Role.organizer, load=EVENT)
def import_template(event: Event):
    return send_xlsx(services.import_template(), "mau-nhap-don-vi.xlsx")


# --- Unit kinds --------------------------------------------------------------------------

@kinds_bp.route("/", methods=["GET", "POST"])
@policy(Role.organizer)
def kinds_index():
    """The kinds, how many units each has, and the form that adds one."""
    form = KindForm()
    if submit_form(form, lambda: kinds.add_kind(form.key.data, form.name.data, current_user),
                   lambda row: f"Đã thêm loại “{row.name}”.", refusals=Invalid).done:
        return redirect(url_for("unit_kinds.kinds_index"))
    return render_template("units/kinds.html", kinds=kinds.all_kinds(), form=form,
                           counts=kinds.unit_counts())


def _kind(key: str) -> UnitKindRow:
    row = db.session.get(UnitKindRow, key)
    if row is None:
        abort(404)
    return row


@kinds_bp.route("/<kind_key>/edit", methods=["GET", "POST"])
@policy(Role.organizer)
def edit_kind(kind_key: str):
    row = _kind(kind_key)
    form = KindNameForm(obj=row) if request.method == "GET" else KindNameForm()
    if submit_form(form, lambda: kinds.rename_kind(row, form.name.data, current_user),
                   lambda row: f"Đã đổi tên thành “{row.name}”.", refusals=Invalid).done:
        return redirect(url_for("unit_kinds.kinds_index"))
    return render_template("units/kind_form.html", kind=row, form=form)


@kinds_bp.post("/<kind_key>/delete")
@policy(Role.organizer)
def delete_kind(kind_key: str):
    """Delete a kind nothing names; a refusal says what still names it."""
    row = _kind(kind_key)
    name = row.name
    submit_form(EmptyForm(), lambda: kinds.delete_kind(row, current_user),
                f"Đã xóa loại “{name}”.", refusals=Invalid, on_page=False)
    return redirect(url_for("unit_kinds.kinds_index"))


# --- One unit across events: its page, rename, merge, history (issue #16) ---------------------

unit_bp = Blueprint("unit_pages", __name__, url_prefix="/units")


def _unit_or_404(code: str) -> Unit:
    return services.find_unit(code) or abort(404)


def _unit_page(unit: Unit, rename: RenameForm | None = None, merge: MergeForm | None = None,
               status: int = 200):
    merge = merge or MergeForm(formdata=None)
    others = db.session.scalars(sa.select(Unit).where(Unit.id != unit.id)
                                .order_by(Unit.name)).all()
    merge.into.choices = [("", "— Chọn đơn vị —")] + [(u.code, f"{u.name} ({u.code})")
                                                        for u in others]
    return render_template("units/unit.html", unit=unit, merged=history.merge_of(unit.id),
                           participations=history.participations(unit),
                           changes=history.changes(unit),
                           rename=rename or RenameForm(formdata=None), merge=merge), status


@unit_bp.get("/<code>")
@policy(Role.organizer)
def unit_page(code: str):
    return _unit_page(_unit_or_404(code))


@unit_bp.post("/<code>/rename")
@policy(Role.organizer)
def rename(code: str):
    unit = _unit_or_404(code)
    form = RenameForm()
    outcome = submit_form(form, lambda: services.rename_unit(
        unit, form.name.data, form.effective_on.data, current_user, form.note.data or ""),
        lambda change: f"Đã đổi tên thành {change.new_name} từ ngày "
                       f"{change.effective_on:%d/%m/%Y}.", refusals=Invalid)
    if outcome.done:
        return redirect(url_for("unit_pages.unit_page", code=unit.code))
    return _unit_page(unit, rename=form, status=outcome.status)


@unit_bp.post("/<code>/merge")
@policy(Role.organizer)
def merge(code: str):
    unit = _unit_or_404(code)
    form = MergeForm()
    outcome = submit_form(form, lambda: services.merge_unit(
        unit, services.find_unit(form.into.data or ""), form.merged_on.data,
        form.accounts.data != "deactivate", current_user, form.reason.data or ""),
        lambda change: f"Đã sáp nhập {unit.name} vào {change.merged_into.name} từ ngày "
                       f"{change.effective_on:%d/%m/%Y}.", refusals=(Invalid, Changed))
    if outcome.done:
        return redirect(url_for("unit_pages.unit_page", code=unit.code))
    return _unit_page(unit, merge=form, status=outcome.status)
