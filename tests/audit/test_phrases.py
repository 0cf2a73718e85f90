"""The audit log reads as Vietnamese sentences (issue #17, item 8): every action the code
records has its domain's phrase, and the page shows names, never keys."""

from __future__ import annotations

import ast
import html as htmllib
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventapp.audit import phrases
from eventapp.audit.models import AuditEntry
from eventapp.checkin.models import Method
from eventapp.events.models import RequestStatus
from eventapp.extensions import db
from eventapp.registration.models import Attendee
from tests.registration.conftest import AFTER_DEADLINE, BEFORE_DEADLINE

PACKAGE = Path(__file__).resolve().parents[2] / "eventapp"
BASE = "/events/doi-thoai-2020/registration"
#: The f-strings' parts the code fills from an enum: every value it can take.
DYNAMIC = {"checkin.": [m.value for m in Method],
           "extension_request.": [s.value for s in RequestStatus if s != RequestStatus.pending]}


def _recorded_actions() -> set[str]:
    """Every action named by an ``audit.record(…)`` or ``record_change(…)`` call in the code:
    string literals, both sides of ``a if c else b``, f-strings over an enum, and names
    bound to literals in the same function."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts or path.parent.name == "audit":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        module: dict[str, set[str]] = {}  # ACTION = "x.y" at the top of the module
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                for target in node.targets:
                    if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                        module.setdefault(target.id, set()).add(node.value.value)
        for function in [n for n in ast.walk(tree)
                         if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]:
            bound: dict[str, set[str]] = dict(module)
            for node in ast.walk(function):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                    for target in node.targets:
                        if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                            bound.setdefault(target.id, set()).add(node.value.value)
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and node.args and _is_record(node.func)):
                    continue
                found |= _values(node.args[0], bound, path)
    return found


def _is_record(func) -> bool:
    return (isinstance(func, ast.Attribute) and func.attr == "record"
            and isinstance(func.value, ast.Name) and func.value.id == "audit") or \
        (isinstance(func, ast.Name) and func.id == "record_change")


def _values(node, bound: dict[str, set[str]], path: Path) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _values(node.body, bound, path) | _values(node.orelse, bound, path)
    if isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
        prefix = node.values[0].value
        assert prefix in DYNAMIC, f"{path}: an f-string action {prefix}… this test cannot expand"
        return {prefix + value for value in DYNAMIC[prefix]}
    if isinstance(node, ast.Name):
        # record_change's own parameter: its callers are walked on their own.
        return bound.get(node.id, set())
    raise AssertionError(f"{path}:{node.lineno}: an action this test cannot read")


def test_every_action_the_code_records_has_its_domains_phrase(app):
    recorded = _recorded_actions()
    assert len(recorded) > 60  # the walk found the code's calls, not nothing
    assert {"user.create", "attendee.attendance", "checkin.manual", "question.status",
            "extension_request.granted", "unit.add"} <= recorded
    with app.app_context():
        described = phrases.actions()
    missing = sorted(recorded - set(described))
    assert missing == [], f"actions without a phrase: {missing}"
    for action, phrase in described.items():
        assert "." not in phrase.label and phrase.verb.startswith("đã "), action


def test_an_action_nobody_described_still_reads_as_a_sentence(app):
    with app.test_request_context():
        assert phrases.label("attendee.teleport") == "Thay đổi đại biểu"
        assert phrases.phrase("attendee.teleport").verb == "đã thay đổi đại biểu"
        assert phrases.label("robot.dance") == "Thay đổi khác"
        assert phrases.field_of("robot.dance", "speed").label == "Chi tiết"


RAW_ACTION = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
FIELD_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")
SLUG = re.compile(r"\b(?!check-in\b)[a-z0-9]+(?:-[a-z0-9]+)+\b")


def _visible_text(page: str) -> str:
    """What a person reads in the page's main part (no markup, attributes, e-mails, or the
    names of uploaded files, which are the uploader's words)."""
    main = page[page.index("<main"):page.index("</main>")]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", main))
    text = re.sub(r"\S+\.(?:pdf|docx?|jpe?g|png|xlsx)\b", " ", text)
    return re.sub(r"\S+@\S+", " ", text)


@pytest.fixture
def changes_through_requests(client, users, login, set_now):
    """An organizer creates a unit's account and registers, edits and cancels a guest; the
    unit registers a delegate and reports them absent from one session."""
    set_now(BEFORE_DEADLINE)
    login(users["organizer"])
    assert client.post_form("/accounts/new", {
        "email": "vanthu@test.vn", "full_name": "Văn thư Ba Tri", "password": "mat-khau-123",
        "role": "unit", "unit": "BATRI"}, page="/accounts/new").status_code == 302
    guest = {"full_name": "Phạm Khách Mời", "position": "Phó Bí thư", "workplace": "Tỉnh đoàn",
             "category": "lanh-dao", "sessions": ["doi-thoai", "so-ket"], "phone": "",
             "email": "", "unit": ""}
    assert client.post_form(f"{BASE}/new", guest, page=f"{BASE}/new").status_code == 302
    db.session.rollback()
    guest_id = db.session.scalar(sa.select(Attendee.id).where(
        Attendee.full_name == "Phạm Khách Mời"))
    edit = f"{BASE}/{guest_id}/edit"
    assert client.post_form(edit, {**guest, "category": "hoi-dong-doi",
                                   "sessions": ["so-ket"]}, page=edit).status_code == 302
    assert client.post_form(f"{BASE}/{guest_id}/cancel",
                            page=f"{BASE}/").status_code == 302
    client.post_form("/logout", page="/")

    login(users["unit_a"])
    assert client.post_form(f"{BASE}/new", {
        "full_name": "Nguyễn Thị Lan", "position": "Giáo viên TPT Đội", "workplace": "",
        "category": "clb-tpt", "sessions": ["so-ket", "doi-thoai"], "phone": "",
        "email": ""}, page=f"{BASE}/new").status_code == 302
    db.session.rollback()
    lan = db.session.scalar(sa.select(Attendee.id).where(Attendee.full_name == "Nguyễn Thị Lan"))
    set_now(AFTER_DEADLINE)  # a week later: the login has expired meanwhile
    client.post_form("/logout", page="/")
    login(users["unit_a"])
    absence = f"{BASE}/{lan}/absence"
    done = client.post_form(absence, {"session": "so-ket", "status": "excused",
                                      "reason": "Đi công tác huyện"}, page=absence)
    assert done.status_code == 302 and "/login" not in done.headers["Location"]
    client.post_form("/logout", page="/")
    set_now(None)
    login(users["organizer"])
    return client


def test_the_audit_page_shows_sentences_and_names_not_keys(changes_through_requests):
    client = changes_through_requests
    stored = {a for a in db.session.scalars(sa.select(AuditEntry.action))}
    assert {"user.create", "attendee.register", "attendee.update", "attendee.cancel",
            "attendee.attendance"} <= stored
    page = client.get("/audit/").get_data(as_text=True)
    text = _visible_text(page)
    squeezed = " ".join(text.split())

    assert RAW_ACTION.findall(text) == []
    assert FIELD_KEY.findall(text) == []
    assert SLUG.findall(text) == []
    # Who (as what) did what to whom.
    assert re.search(r"btc \(Ban tổ chức\) đã tạo tài khoản \(Đơn vị\) cho Huyện đoàn Ba Tri "
                     r"lúc \d\d:\d\d \d\d/\d\d/\d{4}\.", squeezed), squeezed[:2000]
    assert "đã tạo tài khoản vanthu@test.vn (Đơn vị) cho Huyện đoàn Ba Tri" in page
    assert "batri (Đơn vị) đã đăng ký đại biểu Nguyễn Thị Lan — Huyện đoàn Ba Tri" in squeezed
    assert "đã hủy đăng ký đại biểu Phạm Khách Mời" in squeezed
    # Values by their names: the category and the sessions the guest changed, the status.
    assert "Thành phần Lãnh đạo, khách mời → Hội đồng Đội, Ban Thường vụ Huyện, Thành đoàn" \
        in squeezed
    assert "Hội nghị sơ kết công tác Đoàn, Đội" in squeezed
    assert "Trạng thái Đang đăng ký → Đã hủy" in squeezed
    assert "Vắng có lý do" in squeezed and "Đi công tác huyện" in squeezed

    # The filter names actions in Vietnamese; the code stays only in the option's value.
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>',
                         page[page.index('id="action"'):])
    named = {value: label for value, label in options if value}
    assert named["user.create"] == "Tạo tài khoản"
    assert named["attendee.attendance"] == "Báo vắng / bỏ báo vắng"
    assert all(not RAW_ACTION.search(label) for label in named.values())
    # Searching by the action's Vietnamese name finds it.
    found = client.get("/audit/?q=tao+tai+khoan").get_data(as_text=True)
    assert "vanthu@test.vn" in found


@pytest.mark.browser
def test_the_audit_page_reads_on_a_laptop_and_fits_a_phone(live_server, page, users, artifacts,
                                                           changes_through_requests):
    from tests.conftest import browser_login
    from tests.core.test_pages_on_phones import FIT

    browser_login(page, live_server, users["organizer"])
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/audit/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / f"audit-sentences-{width}.png"), full_page=True)
        assert page.evaluate(FIT) == [], width
        first = page.locator("tr.audit-entry").first.inner_text()
        assert "btc (Ban tổ chức) đã đăng nhập tài khoản" in first
    page.select_option("#action", label="Tạo tài khoản")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button:text('Lọc')")
    assert page.locator("tr.audit-entry").count() == 6  # five by the fixtures, one by btc
    page.screenshot(path=str(artifacts / "audit-sentences-filtered-360.png"), full_page=True)


def test_the_live_demos_whole_log_reads_without_keys(app, runner, client, login):
    """Every entry the live demo writes (accounts, units, questions, dossiers, delegates,
    check-ins …), page after page of the log."""
    from eventapp.accounts.models import User
    from tests.conftest import PASSWORD

    result = runner.invoke(args=["demo", "--live", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    organizer = db.session.scalar(sa.select(User).where(User.email == "bantochuc@demo.vn"))
    login(organizer)
    actions = set(db.session.scalars(sa.select(AuditEntry.action).distinct()))
    assert len(actions) >= 8, actions
    total = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    problems = []
    for number in range(1, total // 50 + 2):
        text = _visible_text(client.get(f"/audit/?page={number}").get_data(as_text=True))
        for pattern in (RAW_ACTION, FIELD_KEY, SLUG):
            problems += pattern.findall(text)
    assert sorted(set(problems)) == []
