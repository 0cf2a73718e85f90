"""Honoring dossiers of ``demo --live``, one in each state the organizer meets: a draft,
submitted and eligible, submitted and not eligible, returned, approved.

Service records are written relative to the live event's reference date, so a dossier
meant to pass seniority passes it whatever day the demo is loaded.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from eventapp.events.models import Event
from eventapp.nominations import eligibility as el
from eventapp.nominations import review
from eventapp.nominations import services as nominations
from eventapp.questions.services import unit_by_code

from .samples import People, pdf_file, samples

#: The parts one PDF of the dossier holds (the unit's letter, tờ trình, is filed apart).
PARTS = ["bao_cao_thanh_tich", "tom_tat_qua_trinh", "xac_nhan_doan_co_so", "xac_nhan_cap_uy"]


def _record(spec: dict, reference: date, rng: random.Random) -> dict:
    """Service periods, titles and birth date giving ``spec['years']`` of team work."""
    if spec["status"] == "retired":
        retired_on = reference - timedelta(days=rng.randint(200, 700))
        last = retired_on
    else:
        retired_on, last = None, None
    end_of_count = retired_on or reference
    start = el.add_years(end_of_count, -spec["years"]) - timedelta(days=rng.randint(20, 150))
    year = end_of_count.year
    titles = [{"year": year - 3, "title": "lao_dong_tien_tien"}]
    if spec["title"]:
        titles.append({"year": year - 1, "title": spec["title"]})
    return {"status": spec["status"], "retired_on": retired_on and retired_on.isoformat(),
            "service_periods": [{"start": start.isoformat(),
                                 "end": last and last.isoformat()}],
            "titles": titles, "disciplines": [],
            "birth_date": el.add_years(start, -rng.randint(21, 24)).isoformat()}


def file_dossiers(event: Event, actors, people: People, rng: random.Random) -> None:
    """Each sample dossier as its district union files it; then the organizer's review."""
    reference = nominations.reference_date(event)
    lettered = set()
    for spec in samples()["dossiers"]:
        unit = unit_by_code(event, spec["unit"])
        account = actors.units[unit.code]
        full_name = people.name(spec["gender"])
        nomination = nominations.save_dossier(event, unit, None, {
            "full_name": full_name, "gender": spec["gender"],
            "school": people.school(unit.code, unit.name),
            "position": "Giáo viên Tổng phụ trách Đội", "note": "",
            **_record(spec, reference, rng)}, account)
        if spec["state"] == "draft":
            continue  # still being put together: no files yet
        if unit.code not in lettered:
            nominations.add_file(event, unit, None, pdf_file(
                "to-trinh.pdf", f"To trinh de nghi vinh danh - {unit.code}"), [], account)
            lettered.add(unit.code)
        nominations.add_file(event, unit, nomination, pdf_file(
            "ho-so.pdf", f"Ho so vinh danh - {unit.code} - so {nomination.id}"), PARTS, account)
        nominations.submit(nomination, account)
        if spec["state"] == "returned":
            review.return_dossier(nomination, spec["reason"], actors.organizer)
        elif spec["state"] == "approved":
            review.decide(nomination, "approved", "", dict.fromkeys(el.MANUAL_CRITERIA, True),
                          actors.organizer)
