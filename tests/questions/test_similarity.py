"""Duplicate suggestions: diacritics-insensitive, order-insensitive, not fooled by a
shared opening, and every pair found by the fast path is the one a full scan finds."""

from __future__ import annotations

import random

from eventapp.questions import similarity
from eventapp.text import fold

SAME = [
    ("Đề nghị tăng phụ cấp cho giáo viên Tổng phụ trách Đội",
     "De nghi tang phu cap cho giao vien tong phu trach doi"),
    ("Đề nghị tăng phụ cấp cho giáo viên Tổng phụ trách Đội",
     "Kiến nghị tăng mức phụ cấp đối với GV TPT Đội"),
    ("Kinh phí hoạt động Đoàn trường còn hạn hẹp, đề nghị tỉnh hỗ trợ thêm",
     "Đề nghị tỉnh hỗ trợ thêm kinh phí hoạt động cho Đoàn trường vì còn hạn hẹp"),
]
DIFFERENT = [
    ("Đề nghị tăng phụ cấp cho giáo viên Tổng phụ trách Đội",
     "Đề nghị bố trí phòng Đội riêng tại các trường tiểu học"),
    ("Đề nghị tăng phụ cấp cho giáo viên Tổng phụ trách Đội",
     "Đề nghị giảm định mức tiết dạy cho giáo viên Tổng phụ trách Đội"),
]


def test_scores_separate_duplicates_from_different_questions():
    for a, b in SAME:
        assert similarity.score(fold(a), fold(b)) >= similarity.THRESHOLD, (a, b)
    for a, b in DIFFERENT:
        assert similarity.score(fold(a), fold(b)) < similarity.THRESHOLD, (a, b)


def test_similar_pairs_finds_the_duplicates_both_ways():
    texts = [a for a, _ in SAME] + [b for _, b in SAME] + [b for _, b in DIFFERENT]
    found = similarity.similar_pairs((i, fold(t)) for i, t in enumerate(texts, start=1))
    assert {m.other_id for m in found[4]} >= {1}
    assert 4 in {m.other_id for m in found[1]}
    assert 6 in {m.other_id for m in found[3]}
    assert 7 not in found and 8 not in found


def test_fast_path_matches_a_full_scan():
    rng = random.Random(3)
    vocabulary = "phu cap giao vien tong phu trach doi kinh phi hoat dong truong hoc sinh " \
                 "khoi nghiep phong co so vat chat tap huan nghiep vu bien che"
    words = vocabulary.split(" ")
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 12))) for _ in range(300)]
    fast = similarity.similar_pairs(list(enumerate(texts)), limit=1000)
    fast_pairs = {(i, m.other_id) for i, ms in fast.items() for m in ms}
    slow_pairs = {(i, j) for i in range(300) for j in range(300)
                  if i != j and similarity.score(texts[i], texts[j]) >= similarity.THRESHOLD
                  and _dice(texts[i], texts[j]) >= similarity.PREFILTER}
    assert slow_pairs <= fast_pairs


def _dice(a: str, b: str) -> float:
    x, y = set(similarity.words(a)), set(similarity.words(b))
    return 2 * len(x & y) / (len(x) + len(y)) if x or y else 0


def test_cache_reuses_until_the_fingerprint_changes():
    calls = []
    similarity.clear_cache()
    compute = lambda: calls.append(1) or {}  # noqa: E731
    similarity.cached(1, ("a",), compute)
    similarity.cached(1, ("a",), compute)
    similarity.cached(1, ("b",), compute)
    assert len(calls) == 2
