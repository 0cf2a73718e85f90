"""The honoring eligibility engine (xét điều kiện vinh danh), PRODUCT.md §3.3 — pure.

No database, no Flask: pages, the API and the CLI build a ``Nominee`` and ``Rules`` and call
``assess``. Input is validated before it gets here (``schemas.py`` calls ``problems``).

Decisions where the spec is silent (documented for organizers):
- A serving nominee's days are counted up to the day before ``reference_date``; days of a
  closed period on or after it are not yet served and are not counted.
- A retired nominee's days are counted as given (A = the day after the last day served).
- ``eligible_from`` is searched from the day after ``reference_date`` on.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

ONE_DAY = timedelta(days=1)

#: Title codes with their rank (higher is better); equal ranks are equivalent titles.
TITLE_RANKS = {"lao_dong_tien_tien": 1, "chien_si_tien_tien": 1, "chien_si_thi_dua_co_so": 2,
               "chien_si_thi_dua_cap_tinh": 3, "chien_si_thi_dua_toan_quoc": 4}
TITLE_LABELS = {"lao_dong_tien_tien": "Lao động tiên tiến",
                "chien_si_tien_tien": "Chiến sĩ tiên tiến",
                "chien_si_thi_dua_co_so": "Chiến sĩ thi đua cơ sở",
                "chien_si_thi_dua_cap_tinh": "Chiến sĩ thi đua cấp tỉnh",
                "chien_si_thi_dua_toan_quoc": "Chiến sĩ thi đua toàn quốc"}
#: Discipline levels, low to high; every one of them is "khiển trách or above".
DISCIPLINE_LEVELS = ("khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc",
                     "buoc_thoi_viec")
DISCIPLINE_LABELS = {"khien_trach": "Khiển trách", "canh_cao": "Cảnh cáo",
                     "ha_bac_luong": "Hạ bậc lương", "giang_chuc": "Giáng chức",
                     "cach_chuc": "Cách chức", "buoc_thoi_viec": "Buộc thôi việc"}
#: The dossier's parts (thành phần hồ sơ), in the order the plan lists them.
DOCUMENTS = {
    "to_trinh": "Tờ trình đề nghị vinh danh của Ban Thường vụ Huyện, Thành đoàn",
    "bao_cao_thanh_tich": "Báo cáo thành tích",
    "tom_tat_qua_trinh": "Bản tóm tắt quá trình công tác",
    "xac_nhan_doan_co_so": "Xác nhận của Ban Chấp hành Đoàn cơ sở",
    "xac_nhan_cap_uy": "Xác nhận của cấp ủy Đảng nơi công tác",
}
#: Criteria only the organizer can judge; listed, never passed automatically.
MANUAL_CRITERIA = {
    "achievements": "Thành tích tiêu biểu, xuất sắc; tấm gương sáng về tinh thần yêu nghề, mến trẻ",
    "duties": "Hoàn thành tốt nhiệm vụ công tác",
    "ethics": "Có phẩm chất đạo đức tốt",
    "initiatives": "Có sáng kiến đem lại hiệu quả cho công tác Đội và phong trào thanh niên "
                   "trường học",
}
CRITERIA_LABELS = {"seniority": "Thâm niên công tác Đội", "title": "Danh hiệu thi đua",
                   "discipline": "Không bị kỷ luật", "documents": "Hồ sơ đầy đủ",
                   "on_time": "Gửi đúng hạn"}


class ServiceStatus(enum.StrEnum):
    """Tình trạng công tác: still serving or retired; each has its own seniority threshold."""

    serving = "serving"
    retired = "retired"

    @property
    def label(self) -> str:
        return {"serving": "Đang công tác", "retired": "Đã nghỉ hưu"}[self.value]


# --- Calendar arithmetic -------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clipped to the month's end (31/01 + 1 month = 28 or 29/02)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """``day`` plus whole years, clipped: 29/02/1992 + 30 years = 28/02/2022."""
    return add_months(day, 12 * years)


@dataclass(frozen=True, order=True)
class Span:
    """A calendar difference: years, months, days (compared in that order)."""

    years: int
    months: int
    days: int

    def text(self) -> str:
        return f"{self.years} năm {self.months} tháng {self.days} ngày"

    def as_dict(self) -> dict:
        return {"years": self.years, "months": self.months, "days": self.days}


def calendar_diff(start: date, end: date) -> Span:
    """The calendar difference from ``start`` to ``end`` (``start`` ≤ ``end``).

    Whole months are always added to ``start`` itself (never step by step), so month-end
    clipping happens once: the difference from 29/02/1992 to 28/02/2022 is 30 years, and
    ``add_months(start, 12y + m) + d days == end``.
    """
    if end < start:
        raise ValueError("end before start")
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    days = (end - add_months(start, months)).days
    return Span(months // 12, months % 12, days)


# --- Input ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A service period as team leader: ``[start, end]``, ``end`` None while still serving."""

    start: date
    end: date | None = None


@dataclass(frozen=True)
class Rules:
    """The event's numbers; the organizer may change them per event."""

    reference_date: date
    serving_min_years: int = 30
    retired_min_years: int = 25
    title_window_years: int = 1
    discipline_window_years: int = 5
    deadline: datetime | None = None
    #: Where instants are shown (the event's zone, ``formatting.zone``); None: as given.
    zone: tzinfo | None = None


@dataclass(frozen=True)
class Nominee:
    """What the engine needs to know about a nominee (người được đề nghị)."""

    status: str  # a ``ServiceStatus`` value
    service_periods: tuple[Period, ...]
    full_name: str = ""
    retired_on: date | None = None
    titles: tuple[tuple[int, str], ...] = ()
    disciplines: tuple[tuple[date, str], ...] = ()
    documents: frozenset[str] = frozenset()
    submitted_at: datetime | None = None


def problems(nominee: Nominee) -> dict[str, str]:
    """Inconsistencies that make the input invalid, keyed by field path; empty when valid."""
    found: dict[str, str] = {}
    for i, period in enumerate(nominee.service_periods):
        if period.end is not None and period.end < period.start:
            found[f"service_periods.{i}.end"] = "Ngày kết thúc trước ngày bắt đầu."
    if not nominee.service_periods:
        found["service_periods"] = "Cần ít nhất một giai đoạn làm Tổng phụ trách Đội."
    if nominee.status == ServiceStatus.retired:
        if nominee.retired_on is None:
            found["retired_on"] = "Cần ngày nghỉ hưu khi người được đề nghị đã nghỉ hưu."
        else:
            for i, period in enumerate(nominee.service_periods):
                key = f"service_periods.{i}.end"
                if key in found:
                    continue
                if period.end is None:
                    found[key] = ("Người đã nghỉ hưu không còn giai đoạn đang công tác; "
                                  "hãy nhập ngày kết thúc.")
                elif period.end > nominee.retired_on:
                    found[key] = (f"Ngày kết thúc không được sau ngày nghỉ hưu "
                                  f"({_d(nominee.retired_on)}).")
    elif nominee.status == ServiceStatus.serving:
        if nominee.retired_on is not None:
            found["retired_on"] = "Chỉ nhập ngày nghỉ hưu khi người được đề nghị đã nghỉ hưu."
        if nominee.service_periods and all(p.end is not None for p in nominee.service_periods):
            found.setdefault("service_periods", "Người đang công tác phải có một giai đoạn chưa "
                                                "kết thúc (để trống ngày kết thúc).")
    return found


# --- Seniority -------------------------------------------------------------------------------

def merge_periods(periods) -> list[Period]:
    """Sorted, disjoint periods: overlapping or touching ones (end + 1 day = next start) merge.

    An open period absorbs everything that starts after it began.
    """
    merged: list[Period] = []
    for period in sorted(periods, key=lambda p: p.start):
        if merged:
            last = merged[-1]
            if last.end is None or period.start <= last.end + ONE_DAY:
                end = None if last.end is None or period.end is None else max(last.end,
                                                                              period.end)
                merged[-1] = Period(last.start, end)
                continue
        merged.append(period)
    return merged


def days_before(merged: list[Period], limit: date | None) -> int:
    """Days served strictly before ``limit`` (all days if None; open periods need a limit)."""
    total = 0
    for period in merged:
        stop = period.end + ONE_DAY if period.end is not None else limit
        if limit is not None and stop > limit:
            stop = limit
        if stop > period.start:
            total += (stop - period.start).days
    return total


@dataclass(frozen=True)
class Seniority:
    days: int
    anchor: date  # A: the end of the counted span
    span: Span
    threshold_years: int
    passed: bool

    @property
    def last_day(self) -> date:
        """The last day counted ("tính đến hết ngày …"): the anchor is exclusive."""
        return self.anchor - ONE_DAY


def seniority(nominee: Nominee, rules: Rules, merged: list[Period] | None = None) -> Seniority:
    """T days served and its calendar span from A − T to A, against the status's threshold."""
    merged = merged if merged is not None else merge_periods(nominee.service_periods)
    if nominee.status == ServiceStatus.serving:
        anchor = rules.reference_date
        threshold = rules.serving_min_years
        days = days_before(merged, anchor)
    else:
        anchor = max(p.end for p in merged) + ONE_DAY
        threshold = rules.retired_min_years
        days = days_before(merged, None)
    start = anchor - timedelta(days=days)
    return Seniority(days, anchor, calendar_diff(start, anchor), threshold,
                     add_years(start, threshold) <= anchor)


def eligible_from(nominee: Nominee, rules: Rules) -> date | None:
    """The first day after ``reference_date`` on which a serving nominee who keeps serving
    reaches the threshold (None for a retired nominee or one who already passes)."""
    if nominee.status != ServiceStatus.serving:
        return None
    merged = merge_periods(nominee.service_periods)
    years = rules.serving_min_years

    def passes(day: date) -> bool:
        return add_years(day - timedelta(days=days_before(merged, day)), years) <= day

    if passes(rules.reference_date):
        return None
    open_start = next(p.start for p in merged if p.end is None)
    # From the open period's first day on, A − T stays fixed, so the answer has a formula;
    # before it (future-dated periods only) walk day by day.
    day = rules.reference_date + ONE_DAY
    while day < open_start:
        if passes(day):
            return day
        day += ONE_DAY
    fixed_start = open_start - timedelta(days=days_before(merged, open_start))
    return max(day, add_years(fixed_start, years))


# --- The assessment ---------------------------------------------------------------------------

@dataclass
class Criterion:
    code: str
    passed: bool
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "passed": self.passed, "message": self.message}


@dataclass
class Assessment:
    """The engine's answer; ``as_dict()`` is the JSON contract of the API and the CLI."""

    eligible: bool
    status: str
    reference_date: date
    seniority: Seniority
    eligible_from: date | None
    criteria: list[Criterion]
    manual_review: list[str] = field(default_factory=lambda: list(MANUAL_CRITERIA))

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria if c.code == code), None)

    @property
    def failed(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.passed]

    def as_dict(self) -> dict:
        return {
            "eligible": self.eligible,
            "status": self.status,
            "reference_date": self.reference_date.isoformat(),
            "service": self.seniority.span.as_dict(),
            "service_days": self.seniority.days,
            "threshold_years": self.seniority.threshold_years,
            "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None,
            "criteria": [c.as_dict() for c in self.criteria],
            "manual_review": list(self.manual_review),
        }


def assess(nominee: Nominee, rules: Rules) -> Assessment:
    """Every automatic criterion of §3.3, each with a Vietnamese explanation."""
    bad = problems(nominee)
    if bad:
        raise ValueError(f"invalid nominee: {bad}")
    senior = seniority(nominee, rules)
    ready_on = None if senior.passed else eligible_from(nominee, rules)
    criteria = [_seniority_criterion(nominee, senior, ready_on),
                _title_criterion(nominee, rules), _discipline_criterion(nominee, rules),
                _documents_criterion(nominee)]
    if nominee.submitted_at is not None and rules.deadline is not None:
        criteria.append(_on_time_criterion(nominee.submitted_at, rules.deadline, rules.zone))
    return Assessment(eligible=all(c.passed for c in criteria), status=nominee.status,
                      reference_date=rules.reference_date, seniority=senior,
                      eligible_from=ready_on, criteria=criteria)


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _local(moment: datetime, zone: tzinfo | None) -> str:
    """``HH:MM dd/mm/yyyy`` in ``zone``; seconds shown only when they matter."""
    local = moment.astimezone(zone) if zone else moment
    return local.strftime("%H:%M:%S %d/%m/%Y" if local.second else "%H:%M %d/%m/%Y")


def _seniority_criterion(nominee: Nominee, senior: Seniority, ready_on: date | None
                         ) -> Criterion:
    head = f"Thâm niên công tác Đội {senior.span.text()}"
    n = senior.threshold_years
    if senior.passed:
        who = "đang công tác" if nominee.status == ServiceStatus.serving else "đã nghỉ hưu"
        return Criterion("seniority", True, f"{head}, đủ {n} năm ({who})")
    if nominee.status == ServiceStatus.serving:
        return Criterion("seniority", False,
                         f"{head}, chưa đủ {n} năm; đủ điều kiện từ ngày {_d(ready_on)}")
    return Criterion("seniority", False,
                     f"{head}, chưa đủ {n} năm (yêu cầu với người đã nghỉ hưu)")


def _years_text(first: int, last: int) -> str:
    return f"năm {last}" if first == last else f"các năm {first}–{last}"


def _title_criterion(nominee: Nominee, rules: Rules) -> Criterion:
    retired = nominee.status == ServiceStatus.retired
    y = (nominee.retired_on if retired else rules.reference_date).year
    first = y - rules.title_window_years
    inside = [(TITLE_RANKS[t], year, t) for year, t in nominee.titles if first <= year <= y]
    if inside:
        _, year, best = max(inside)
        return Criterion("title", True, f"Đạt danh hiệu “{TITLE_LABELS[best]}” năm {year} "
                                        f"(xét {_years_text(first, y)})")
    message = (f"Không có danh hiệu “Lao động tiên tiến” hoặc tương đương trở lên trong "
               f"{_years_text(first, y)}")
    if nominee.titles:
        year, title = max(nominee.titles)
        message += f"; danh hiệu gần nhất: “{TITLE_LABELS[title]}” năm {year}"
    return Criterion("title", False, message)


def _discipline_criterion(nominee: Nominee, rules: Rules) -> Criterion:
    end = nominee.retired_on if nominee.status == ServiceStatus.retired else rules.reference_date
    start = add_years(end, -rules.discipline_window_years)
    window = f"từ {_d(start)} đến {_d(end)}"
    hits = sorted((day, level) for day, level in nominee.disciplines if start <= day <= end)
    if not hits:
        return Criterion("discipline", True,
                         f"Không bị kỷ luật từ khiển trách trở lên trong thời gian xét ({window})")
    listed = "; ".join(f"“{DISCIPLINE_LABELS[level]}” ngày {_d(day)}" for day, level in hits)
    return Criterion("discipline", False, f"Bị kỷ luật {listed} — trong thời gian xét ({window})")


def _documents_criterion(nominee: Nominee) -> Criterion:
    missing = [label for code, label in DOCUMENTS.items() if code not in nominee.documents]
    if not missing:
        return Criterion("documents", True, f"Hồ sơ đủ {len(DOCUMENTS)} thành phần")
    return Criterion("documents", False, "Hồ sơ còn thiếu: " + "; ".join(missing))


def _on_time_criterion(submitted_at: datetime, deadline: datetime, zone: tzinfo | None
                       ) -> Criterion:
    if submitted_at < deadline:
        return Criterion("on_time", True, f"Nhận lúc {_local(submitted_at, zone)}, trước hạn "
                                          f"{_local(deadline, zone)}")
    return Criterion("on_time", False, f"Nhận lúc {_local(submitted_at, zone)}, không trước hạn "
                                       f"{_local(deadline, zone)}: hồ sơ gửi trễ không được "
                                       "xem xét")
