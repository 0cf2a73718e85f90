"""Request schemas of the nominations domain (Vietnamese messages, field paths such as
``nominee.service_periods.0.end``). The eligibility API and CLI, the dossier pages and the
live preview all validate with these, so they cannot disagree.
"""

from __future__ import annotations

from datetime import date

from marshmallow import post_load

from eventapp.clock import now
from eventapp.formatting import local, zone
from eventapp.nominations import eligibility as el
from eventapp.schemas import (
    MULTILINE,
    AwareDateTime,
    Schema,
    ValidationError,
    fields,
    length,
    not_blank,
    one_of,
    validate,
    validates_schema,
)

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


def _plausible(day: date) -> None:
    if not EARLIEST <= day <= LATEST:
        raise ValidationError("Ngày phải trong khoảng 1900–2100.")


def _date(**kwargs) -> fields.Date:
    return fields.Date(validate=_plausible, **kwargs)


def _years(default: int) -> fields.Integer:
    return fields.Integer(load_default=default, strict=True,
                          validate=validate.Range(0, 100, error="Phải từ 0 đến 100."))


def today_in_vietnam() -> date:
    """Today in the configured zone (no event here: the API's and the CLI's engine)."""
    return local(now()).date()


class RulesSchema(Schema):
    """The numbers of PRODUCT.md §3.3; every key optional."""

    reference_date = _date(load_default=today_in_vietnam)
    serving_min_years = _years(30)
    retired_min_years = _years(25)
    title_window_years = _years(1)
    discipline_window_years = _years(5)
    deadline = AwareDateTime(load_default=None, allow_none=True)

    @post_load
    def make(self, data, **kwargs) -> el.Rules:
        return el.Rules(**data, zone=zone())


class PeriodSchema(Schema):
    """A service period as team leader; ``end`` empty while still serving."""

    start = _date(required=True)
    end = _date(load_default=None, allow_none=True)


class TitleSchema(Schema):
    year = fields.Integer(required=True, strict=True,
                          validate=validate.Range(1900, 2100, error="Năm phải từ 1900 đến 2100."))
    title = fields.String(required=True,
                          validate=one_of(el.TITLE_RANKS, ", ".join(el.TITLE_RANKS)))


class DisciplineSchema(Schema):
    date = _date(required=True)
    level = fields.String(required=True,
                          validate=one_of(el.DISCIPLINE_LEVELS, ", ".join(el.DISCIPLINE_LEVELS)))


class NomineeFields(Schema):
    """The nominee's service record, shared by the engine's input and the dossier form."""

    status = fields.String(required=True, validate=one_of(el.ServiceStatus, "serving, retired"))
    retired_on = _date(load_default=None, allow_none=True)
    service_periods = fields.List(fields.Nested(PeriodSchema), required=True)
    titles = fields.List(fields.Nested(TitleSchema), load_default=list)
    disciplines = fields.List(fields.Nested(DisciplineSchema), load_default=list)

    @validates_schema
    def consistent(self, data, **kwargs):
        found = el.problems(nominee_from(data))
        if found:
            raise ValidationError({key: [message] for key, message in found.items()})


class NomineeSchema(NomineeFields):
    """The ``nominee`` object of the eligibility input."""

    full_name = fields.String(load_default="", validate=length(200))
    documents = fields.List(fields.String(validate=one_of(el.DOCUMENTS, ", ".join(el.DOCUMENTS))),
                            load_default=list)
    submitted_at = AwareDateTime(load_default=None, allow_none=True)


class EligibilityRequestSchema(Schema):
    """``POST /api/v1/eligibility`` and ``flask eligibility FILE.json``."""

    rules = fields.Nested(RulesSchema, load_default=lambda: RulesSchema().load({}))
    nominee = fields.Nested(NomineeSchema, required=True)


class DossierSchema(NomineeFields):
    """A dossier as the unit edits it (files and the submission time are kept apart)."""

    full_name = fields.String(required=True, validate=[length(200), not_blank])
    birth_date = _date(load_default=None, allow_none=True)
    gender = fields.String(load_default="", validate=one_of(["", "nam", "nu"], "nam, nu"))
    school = fields.String(required=True, validate=[length(300), not_blank])
    position = fields.String(load_default="Giáo viên Tổng phụ trách Đội", validate=length(200))
    note = fields.String(load_default="", validate=length(2000), metadata=MULTILINE)


def nominee_from(data: dict, *, documents=(), submitted_at=None, full_name: str = ""
                 ) -> el.Nominee:
    """An engine ``Nominee`` from validated (or field-valid) schema data."""
    return el.Nominee(
        status=data["status"],
        full_name=data.get("full_name", full_name),
        retired_on=data.get("retired_on"),
        service_periods=tuple(el.Period(p["start"], p.get("end"))
                              for p in data.get("service_periods", ())),
        titles=tuple((t["year"], t["title"]) for t in data.get("titles", ())),
        disciplines=tuple((d["date"], d["level"]) for d in data.get("disciplines", ())),
        documents=frozenset(data.get("documents", documents)),
        submitted_at=data.get("submitted_at", submitted_at),
    )


# --- The answer, described for the OpenAPI document -------------------------------------------

class SpanSchema(Schema):
    years = fields.Integer()
    months = fields.Integer()
    days = fields.Integer()


class CriterionSchema(Schema):
    code = fields.String(metadata={"enum": ["seniority", "title", "discipline", "documents",
                                            "on_time"]})
    passed = fields.Boolean()
    message = fields.String(metadata={"description": "Giải thích bằng tiếng Việt."})


class EligibilityResultSchema(Schema):
    """The engine's answer: every automatic criterion, and the manual ones to review."""

    eligible = fields.Boolean(metadata={"description": "Mọi tiêu chí tự động đều đạt."})
    status = fields.String(metadata={"enum": [s.value for s in el.ServiceStatus]})
    reference_date = fields.Date()
    service = fields.Nested(SpanSchema)
    service_days = fields.Integer(metadata={"description": "Số ngày công tác Đội (T)."})
    threshold_years = fields.Integer()
    eligible_from = fields.Date(allow_none=True)
    criteria = fields.List(fields.Nested(CriterionSchema))
    manual_review = fields.List(fields.String(metadata={"enum": list(el.MANUAL_CRITERIA)}))
