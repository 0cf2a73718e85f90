"""Organizer pages for the units taking part in an event."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventapp.accounts.models import Role
from eventapp.errors import Invalid
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.policy import EVENT, policy
from eventapp.units import services
from eventapp.units.forms import ImportForm, UnitForm
from eventapp.units.models import Unit
from eventapp.views import apply_errors, run_import, send_xlsx

bp = Blueprint("units", __name__, url_prefix="/events/<slug>/units")


@bp.get("/")
@policy(Role.organizer, load=EVENT)
def index(event: Event):
    return render_template("units/index.html", event=event, units=event.units,
                           form=ImportForm())


@bp.route("/new", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def new(event: Event):
    form = UnitForm()
    if form.validate_on_submit():
        try:
            unit = services.save_unit(event, None, form.code.data, form.name.data,
                                      form.kind.data, current_user)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(f"Đã thêm {unit.name}.", "success")
            return redirect(url_for("units.index", slug=event.slug))
    return render_template("units/form.html", event=event, form=form, unit=None)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@policy(Role.organizer, load=EVENT)
def edit(event: Event, unit_id: int):
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit not in event.units:
        abort(404)
    form = UnitForm(obj=unit) if request.method == "GET" else UnitForm()
    if form.validate_on_submit():
        try:
            services.save_unit(event, unit, form.code.data, form.name.data, form.kind.data,
                               current_user)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(f"Đã lưu {unit.name}.", "success")
            return redirect(url_for("units.index", slug=event.slug))
    return render_template("units/form.html", event=event, form=form, unit=unit)


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
