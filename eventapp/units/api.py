"""Unit API under /api/v1: the unit kinds (loại đơn vị) that units, caps and definitions name
by key, and ``GET /units/<code>/history`` — a unit's renames and merge, and the name it had in
each event it took part in (organizers only)."""

from __future__ import annotations

from eventapp.accounts.models import Role
from eventapp.api import api_blueprint, operation
from eventapp.errors import NotFound
from eventapp.policy import ANY_ROLE, policy
from eventapp.schemas import Schema, fields
from eventapp.units import history, kinds, services

bp = api_blueprint("units_api", __name__)


class UnitKindItem(Schema):
    key = fields.String()
    name = fields.String()


class UnitKindList(Schema):
    unit_kinds = fields.List(fields.Nested(UnitKindItem))


@bp.get("/unit-kinds")
@operation(summary="Các loại đơn vị (mã và tên) theo thứ tự", tags=["units"],
           responses={200: UnitKindList})
@policy(*ANY_ROLE, api=True)
def list_kinds():
    return {"unit_kinds": [{"key": key, "name": name} for key, name in kinds.names().items()]}


class UnitChangeOut(Schema):
    kind = fields.String(metadata={"description": "rename (đổi tên) hoặc merge (sáp nhập)"})
    old_name = fields.String()
    new_name = fields.String()
    merged_into = fields.String(allow_none=True, metadata={"description": "Mã đơn vị nhận"})
    effective_on = fields.Date()
    accounts_moved = fields.Boolean(allow_none=True)
    note = fields.String()
    at = fields.DateTime()


class UnitEventOut(Schema):
    slug = fields.String()
    day = fields.Date(allow_none=True, metadata={"description": "Ngày của phiên đầu tiên"})
    name = fields.String(metadata={"description": "Tên đơn vị tại sự kiện đó"})


class UnitHistoryOut(Schema):
    code = fields.String()
    name = fields.String()
    merged_into = fields.String(allow_none=True)
    merged_on = fields.Date(allow_none=True)
    history = fields.List(fields.Nested(UnitChangeOut), metadata={"description": "Mới nhất trước"})
    events = fields.List(fields.Nested(UnitEventOut))


@bp.get("/units/<code>/history")
@operation(summary="Lịch sử đơn vị: đổi tên, sáp nhập, tên tại từng sự kiện", tags=["units"],
           responses={200: UnitHistoryOut})
@policy(Role.organizer, api=True)
def unit_history(code: str):
    unit = services.find_unit(code)
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị.")
    merge = history.merge_of(unit.id)
    return {
        "code": unit.code, "name": unit.name,
        "merged_into": merge.merged_into.code if merge and merge.merged_into else None,
        "merged_on": merge.effective_on.isoformat() if merge else None,
        "history": [{"kind": c.kind.value, "old_name": c.old_name, "new_name": c.new_name,
                     "merged_into": c.merged_into.code if c.merged_into else None,
                     "effective_on": c.effective_on.isoformat(),
                     "accounts_moved": c.accounts_moved, "note": c.note,
                     "at": c.at.isoformat()} for c in history.changes(unit)],
        "events": [{"slug": p.event.slug, "day": day.isoformat() if day else None,
                    "name": p.name} for p, day in history.participations(unit)],
    }
