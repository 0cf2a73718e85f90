"""The shared pager macro over a real ``db.paginate``."""

import re

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.units.models import Unit


@pytest.mark.parametrize(("page", "pages", "links"), [
    (1, 1, []),
    (1, 5, ["1", "2", "3", "4", "5"]),
    (10, 30, ["1", "…", "7", "8", "9", "10", "11", "12", "13", "…", "30"]),
    (30, 30, ["1", "…", "27", "28", "29", "30"]),
])
def test_pager_links_the_ends_and_three_pages_either_side(app, page, pages, links):
    with app.test_request_context("/audit/"):
        db.session.add_all(Unit(code=f"U{n:03}", name=f"Đơn vị {n}") for n in range(pages))
        db.session.flush()
        found = db.paginate(sa.select(Unit).order_by(Unit.code), page=page, per_page=1)
        pager = app.jinja_env.get_template("_macros.html").module.pager
        html = str(pager(found, "audit.index", {"q": "x"}))
        db.session.rollback()
    shown = re.findall(r'class="page-link"[^>]*>([^<«»]+)<', html)
    assert shown == links
    if links:
        active = f'"page-item active"><a class="page-link" href="/audit/?q=x&amp;page={page}">'
        assert active in html
        assert ('page-item disabled"><span' not in html) == (pages <= 8)
