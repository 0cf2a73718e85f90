"""Questions: the compliance board's server time for 1,000 units × 15 questions, and the
duplicate suggestions' time for 5,000 questions.

Seeds a scratch database (a SQLite file, or a new database on the PostgreSQL server given)
with the demo event plus 1,000 units, each with 15 questions written the way units write
them (the same concern in different words, some typed without diacritics), then measures:

1. ``board.compliance`` — the one aggregated query and the rows it becomes;
2. the board page ``GET …/questions/board`` through the app (query + template, 1,000 rows);
3. the API summary ``GET /api/v1/…/questions/summary``;
4. duplicate suggestions for 5,000 questions: loading their folded texts and computing every
   question's likely duplicates (what the moderation pages use, before caching), and the
   moderation page for an event of that size (cold, then cached).

Targets (issue 3): compliance board ≤ 100 ms for 1,000 units; suggestions for 5,000
questions ≤ 5 s.

    .venv/bin/python bench/questions_bench.py
    .venv/bin/python bench/questions_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import demo_definition, demo_event, in_process_app  # noqa: E402

SLUG = "doi-thoai-2020"
BIG_SLUG = "doi-thoai-5000"
PASSWORD = "thu-tai-mat-khau-1"  # not "bench…": a password may not hold the e-mail's name

OPENERS = ["Đề nghị", "Kính đề nghị", "Kiến nghị", "Xin Bí thư cho biết", "Đề xuất",
           "Mong lãnh đạo tỉnh", "Xin hỏi", "Đề nghị Sở Giáo dục và Đào tạo",
           "Đề nghị UBND tỉnh", "Tâm tư:"]
ISSUES = [
    "tăng phụ cấp trách nhiệm cho giáo viên Tổng phụ trách Đội",
    "giảm định mức tiết dạy cho giáo viên làm Tổng phụ trách Đội",
    "bố trí phòng Đội riêng tại các trường tiểu học",
    "cấp kinh phí tổ chức hoạt động trải nghiệm cho học sinh",
    "xây dựng sân chơi an toàn cho thiếu nhi ở vùng nông thôn",
    "tổ chức tập huấn nghiệp vụ công tác Đội hằng năm",
    "công nhận thời gian làm Tổng phụ trách Đội khi xét nâng lương",
    "có cơ chế luân chuyển giáo viên Tổng phụ trách Đội sau 5 năm",
    "đưa nội dung giáo dục khởi nghiệp vào chương trình chính khóa",
    "thành lập quỹ hỗ trợ ý tưởng khởi nghiệp của học sinh THPT",
    "hỗ trợ kinh phí cho câu lạc bộ khởi nghiệp trong trường học",
    "mời doanh nghiệp đồng hành với các cuộc thi khởi nghiệp",
    "bố trí biên chế Trợ lý thanh niên chuyên trách tại trường THPT",
    "giảm bớt hồ sơ sổ sách cho cán bộ Đoàn trường học",
    "trang bị máy tính, loa máy cho hoạt động Đội",
    "quan tâm chế độ cho Bí thư Đoàn trường kiêm nhiệm",
    "xét thi đua khen thưởng riêng cho giáo viên Tổng phụ trách Đội",
    "tăng thời lượng sinh hoạt dưới cờ cho hoạt động Đoàn – Đội",
    "phối hợp với Công an tỉnh phòng chống bạo lực học đường",
    "xây dựng nhà văn hóa thiếu nhi cấp huyện",
    "hỗ trợ học sinh nghèo vượt khó tham gia hoạt động ngoại khóa",
    "đào tạo kỹ năng tư vấn tâm lý cho cán bộ Đoàn",
    "kéo dài thời gian công tác của Tổng phụ trách Đội lớn tuổi",
    "chuyển đổi vị trí việc làm cho Tổng phụ trách Đội không còn phù hợp",
    "có chính sách thu hút sinh viên giỏi làm Tổng phụ trách Đội",
    "tổ chức giao lưu kinh nghiệm giữa các Liên đội trong tỉnh",
    "giải quyết tình trạng thiếu giáo viên dạy thay khi Tổng phụ trách đi tập huấn",
    "đầu tư thư viện xanh, góc đọc sách cho thiếu nhi",
    "xây dựng mô hình trường học hạnh phúc gắn với công tác Đội",
    "hỗ trợ chi phí đi lại cho cán bộ Đoàn trường vùng sâu",
    "cho phép trường tự chủ một phần kinh phí hoạt động Đoàn",
    "ứng dụng chuyển đổi số trong quản lý đoàn viên, đội viên",
    "cấp thẻ bảo hiểm tai nạn cho học sinh tham gia hoạt động hè",
    "tổ chức ngày hội khởi nghiệp cấp tỉnh dành cho học sinh",
    "hỗ trợ vốn vay ưu đãi cho học sinh tốt nghiệp muốn khởi nghiệp",
    "tăng cường giáo dục truyền thống cách mạng cho thiếu nhi",
    "quy định rõ nhiệm vụ của Trợ lý thanh niên trong nhà trường",
    "sửa chữa các phòng học xuống cấp phục vụ sinh hoạt Đội",
    "bổ sung nhân viên hỗ trợ để Tổng phụ trách tập trung chuyên môn",
    "đánh giá chất lượng hoạt động Đội bằng tiêu chí thực chất hơn",
]
PLACES = ["ở các trường tiểu học", "ở các trường THCS", "tại các trường THPT",
          "tại Trung tâm GDNN – GDTX", "ở huyện Ba Tri", "ở vùng sâu, vùng xa",
          "trong toàn tỉnh", "ở các xã bãi ngang", "", ""]
TAILS = ["trong năm học 2020 – 2021", "để phù hợp với tình hình thực tế",
         "như các tỉnh bạn đã làm", "vì hiện nay còn nhiều khó khăn",
         "nhằm nâng cao chất lượng hoạt động", "do nhiều năm chưa được điều chỉnh",
         "theo hướng dẫn của Trung ương Đoàn", "", "", "", ""]


def _strip_marks(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def question(rng: random.Random) -> str:
    """One question as a unit would write it: a common concern in its own words."""
    parts = [rng.choice(OPENERS), rng.choice(ISSUES), rng.choice(PLACES), rng.choice(TAILS)]
    text = " ".join(p for p in parts if p)
    text = text[0].upper() + text[1:] + rng.choice(["?", ".", " ạ.", "?"])
    if rng.random() < 0.08:
        text = _strip_marks(text)  # typed on a phone without Vietnamese input
    if rng.random() < 0.3:
        text += f" Tại đơn vị có {rng.randint(2, 40)} trường đang gặp tình trạng này."
    return text


# --- Setting up ---------------------------------------------------------------------------

def seed(event, units: int, per_unit: int, rng: random.Random, prefix: str, *,
         limit: int | None = None, short: bool = True) -> int:
    """``units`` new units in ``event`` with ``per_unit`` questions each (every seventh unit
    short of them when ``short``), at most ``limit`` questions in all; bulk inserts."""
    from eventapp.events.models import EventUnit
    from eventapp.extensions import db
    from eventapp.questions.models import Question
    from eventapp.text import fold
    from eventapp.units.models import Unit

    db.session.execute(sa.insert(Unit), [
        {"code": f"{prefix}{i:04d}", "name": f"Đoàn trường {prefix} số {i:04d}",
         "kind": "high_school"} for i in range(units)])
    ids = db.session.scalars(sa.select(Unit.id).where(Unit.code.like(f"{prefix}%"))
                             .order_by(Unit.id)).all()
    db.session.execute(sa.insert(EventUnit), [{"event_id": event.id, "unit_id": u}
                                              for u in ids])
    topics = [t.id for t in event.topics]
    start = datetime(2020, 1, 20, 8, 0, tzinfo=UTC)
    rows = []
    for n, unit_id in enumerate(ids):
        count = per_unit if n % 7 or not short else rng.randint(0, per_unit - 1)
        if limit is not None:
            count = min(count, limit - len(rows))
        for _ in range(count):
            text = question(rng)
            at = start + timedelta(minutes=rng.randint(0, 20_000))
            rows.append({"event_id": event.id, "unit_id": unit_id, "topic_id": rng.choice(topics),
                         "content": text, "folded": fold(text), "asker_name": "",
                         "asker_position": "", "source": "api", "status": "submitted",
                         "answer": "", "followup_agency": "", "created_at": at,
                         "text_changed_at": at})
    for i in range(0, len(rows), 2000):
        db.session.execute(sa.insert(Question), rows[i:i + 2000])
    db.session.commit()
    return len(rows)


def login(client) -> None:
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    response = client.post("/login", data={"email": "bench@btc.vn", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302, response.status_code


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Median wall time and median CPU time of this process (ms) over ``repeat`` calls, and
    the last result. CPU time is what the server spends; on a busy machine wall time also
    counts waiting for a core."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--per-unit", type=int, default=15)
    parser.add_argument("--similar", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    with in_process_app(args.database_url) as (app, url):
        run(app, args, url)


def run(app, args, url: str) -> None:

    from eventapp.accounts.services import create_user
    from eventapp.auth import issue_token
    from eventapp.extensions import db
    from eventapp.questions import board, similarity
    from eventapp.questions.models import Question

    event = demo_event()
    big = demo_event(slug=BIG_SLUG, units=demo_definition()["units"][:1])
    organizer = create_user("bench@btc.vn", "organizer", PASSWORD, full_name="Bench")
    token = issue_token(organizer, "bench")
    db.session.commit()
    rng = random.Random(2020)
    t0 = time.perf_counter()
    total = seed(event, args.units, args.per_unit, rng, "U")
    similar_total = seed(big, -(-args.similar // args.per_unit), args.per_unit,
                         random.Random(7), "S", limit=args.similar, short=False)
    backend = sa.make_url(url).get_backend_name()
    # What autovacuum / a maintenance job does on a live database: statistics and, on
    # PostgreSQL, the visibility map that lets the covering indexes answer alone.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE question" if backend == "postgresql"
                             else "ANALYZE")
    units = len(event.participations)
    print(f"Backend: {backend}; seeded {units} units with {total} questions, and an event "
          f"with {similar_total} questions, in {time.perf_counter() - t0:.1f} s")

    client = app.test_client()
    login(client)
    headers = {"Authorization": f"Bearer {token}"}
    client.get(f"/events/{SLUG}/questions/board")  # warm up templates and caches

    load = os.getloadavg()[0]
    print(f"(load average {load:.1f} on {os.cpu_count()} cores; medians: wall | CPU)")
    wall, cpu, rows = timed(lambda: board.compliance(event), args.repeat)
    short = sum(1 for r in rows if not r.met)
    print(f"\nCompliance board, {len(rows)} units ({short} short):")
    print(f"  board.compliance (one query + rows)   {wall:7.1f} ms | {cpu:6.1f} ms"
          f"  {'OK' if min(wall, cpu) <= 100 else 'OVER'} (target ≤ 100 ms)")
    wall, cpu, response = timed(lambda: client.get(f"/events/{SLUG}/questions/board"),
                                max(5, args.repeat // 2))
    assert response.status_code == 200
    print(f"  GET board page (+ chart, 1,000 rows)  {wall:7.1f} ms | {cpu:6.1f} ms"
          f"  ({len(response.data) // 1024} KB of HTML)")
    wall, cpu, response = timed(lambda: client.get(
        f"/api/v1/events/{SLUG}/questions/summary", headers=headers), max(5, args.repeat // 2))
    assert response.status_code == 200 and len(response.json["units"]) == units
    print(f"  GET API summary                       {wall:7.1f} ms | {cpu:6.1f} ms")
    wall, cpu, _ = timed(lambda: board.topic_totals(event), args.repeat)
    print(f"  board.topic_totals (chart data)       {wall:7.1f} ms | {cpu:6.1f} ms")

    print(f"\nDuplicate suggestions, {similar_total} questions:")

    def load_and_compute():
        texts = db.session.execute(sa.select(Question.id, Question.folded).where(
            Question.event_id == big.id)).all()
        return similarity.similar_pairs(texts)

    wall, cpu, found = timed(load_and_compute, 3)
    pairs = sum(len(v) for v in found.values())
    print(f"  load + similar_pairs (every question) {wall:7.0f} ms | {cpu:6.0f} ms"
          f"  {'OK' if min(wall, cpu) <= 5000 else 'OVER'} (target ≤ 5 s)")
    print(f"  {len(found)} questions have suggestions; {pairs} suggestions kept (≤ 5 each)")
    similarity.clear_cache()
    wall, cpu, page = timed(lambda: client.get(f"/events/{BIG_SLUG}/questions/moderate"), 1)
    print(f"  GET moderation page, cold cache       {wall:7.0f} ms | {cpu:6.0f} ms")
    wall, cpu, page = timed(lambda: client.get(f"/events/{BIG_SLUG}/questions/moderate"), 5)
    assert page.status_code == 200
    print(f"  GET moderation page, cached           {wall:7.1f} ms | {cpu:6.1f} ms")
    sample = next(iter(found.items()))
    texts = dict(db.session.execute(sa.select(Question.id, Question.content).where(
        Question.id.in_([sample[0]] + [m.other_id for m in sample[1][:2]]))).all())
    print("\nExample suggestion:")
    print(f"  #{sample[0]}: {texts[sample[0]]}")
    for m in sample[1][:2]:
        print(f"  ~ #{m.other_id} ({m.score}%): {texts[m.other_id]}")


if __name__ == "__main__":
    main()
