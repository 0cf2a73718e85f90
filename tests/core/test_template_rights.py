"""Templates get their rights from the view (issue #13, item 1): a page shows or hides a
button by a named answer the view computed from the domain's ``access`` predicates
(``may.review``, ``may.manage`` …), never by looking at the user's role itself. Only
``base.html`` names the signed-in user's role (the identity line and the navigation)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ROLE_CHECK = re.compile(r"\bis_organizer\b|\bis_unit\b|\bis_checkin\b|current_user\.role")


def test_no_template_but_the_layout_decides_rights_by_role():
    offenders = [f"{path.relative_to(TEMPLATES)}:{number}"
                 for path in sorted(TEMPLATES.rglob("*.html")) if path.name != "base.html"
                 for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                 if ROLE_CHECK.search(line)]
    assert offenders == []
