"""Likely duplicate questions (câu hỏi có thể trùng), for merging in a few clicks.

Texts are compared folded (no diacritics: "phụ cấp" = "phu cap"), with common question
fillers ("đề nghị", "xin cho biết" …) dropped and a few abbreviations written out
("TPT" → "tổng phụ trách"). The score is RapidFuzz's token-sort ratio (0–100): word order
does not matter, small spelling differences cost little.

Comparing every pair is too slow for 5,000 questions (12.5 million pairs), so candidates
come from prefix filtering (All-Pairs / PPJoin): sort each question's words rarest first;
two questions whose word sets have a Dice overlap ≥ ``PREFILTER`` must share a word among
the first few of either, so only those few words are indexed. Words found in more than a
tenth of the questions (and in over 200) carry no signal and are not indexed. RapidFuzz
then scores each candidate pair in C.

``suggestions_for_event`` caches the result per event and process until a question is
added or its text changes; status changes (merge, select…) do not invalidate it.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

#: Lowest RapidFuzz score shown as a suggestion.
THRESHOLD = 80
#: Dice overlap of the word sets a pair needs to be scored at all.
PREFILTER = 0.5
#: Suggestions kept per question.
LIMIT = 5

_WORD = re.compile(r"\w+")
#: Folded filler words of Vietnamese questions and petitions, and short function words.
FILLERS = frozenset([
    "xin", "kinh", "de", "nghi", "kien", "cho", "biet", "hoi", "a", "ah", "va", "cua", "cac",
    "nhung", "la", "co", "duoc", "voi", "trong", "thi", "ve", "nay", "do", "khong", "nhu",
    "the", "nao", "gi", "sao", "vay", "o", "tai", "den", "mot", "nhieu", "hon", "rat", "cung",
    "da", "se", "chung", "toi", "em", "minh",
])
ABBREVIATIONS = {
    "tpt": "tong phu trach", "gv": "giao vien", "hs": "hoc sinh", "csvc": "co so vat chat",
    "ubnd": "uy ban nhan dan", "gddt": "giao duc dao tao", "gdnn": "giao duc nghe nghiep",
    "gdtx": "giao duc thuong xuyen", "dtn": "doan thanh nien", "tntp": "thieu nien tien phong",
    "clb": "cau lac bo", "bch": "ban chap hanh", "tw": "trung uong", "thcs": "trung hoc co so",
    "th": "tieu hoc",
}


@dataclass(frozen=True)
class Match:
    """Another question ``other_id`` that looks like this one, with a 0–100 score."""

    other_id: int
    score: int


def words(folded: str) -> list[str]:
    """The meaningful words of an already folded text."""
    out: list[str] = []
    for word in _WORD.findall(folded.replace("&", "")):
        expanded = ABBREVIATIONS.get(word)
        if expanded:
            out.extend(expanded.split())
        elif word not in FILLERS:
            out.append(word)
    return out


def similar_pairs(items: Iterable[tuple[int, str]], *, threshold: int = THRESHOLD,
                  limit: int = LIMIT) -> dict[int, list[Match]]:
    """For ``(id, folded text)`` items: id → its most similar others, best first."""
    ids: list[int] = []
    keys: list[str] = []
    sets: list[set[str]] = []
    for item_id, folded in items:
        tokens = words(folded)
        ids.append(item_id)
        keys.append(" ".join(sorted(tokens)))
        sets.append(set(tokens))
    frequency = Counter(word for s in sets for word in s)
    common = max(200, len(sets) // 10)
    ordered = [sorted((w for w in s if frequency[w] <= common), key=lambda w: (frequency[w], w))
               for s in sets]
    jaccard = PREFILTER / (2 - PREFILTER)  # a Dice overlap d implies Jaccard ≥ d / (2 − d)
    index: dict[str, list[int]] = defaultdict(list)
    found: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for i in sorted(range(len(ids)), key=lambda k: len(ordered[k])):
        tokens = ordered[i]
        if not tokens:
            continue
        prefix = len(tokens) - math.ceil(jaccard * len(tokens)) + 1
        candidates: set[int] = set()
        for word in tokens[:prefix]:
            postings = index[word]
            candidates.update(postings)
            postings.append(i)
        if not candidates:
            continue
        others = list(candidates)
        scored = process.extract(keys[i], [keys[j] for j in others], scorer=fuzz.ratio,
                                 score_cutoff=threshold, limit=None)
        mine = found[i]
        for _, value, position in scored:
            j = others[position]
            mine.append((-value, j))
            found[j].append((-value, i))
    return {ids[i]: [Match(ids[j], round(-value)) for value, j in sorted(matches)[:limit]]
            for i, matches in found.items() if matches}


def score(folded_a: str, folded_b: str) -> float:
    """The suggestion score of two folded texts (0–100; shown rounded)."""
    a, b = (" ".join(sorted(words(t))) for t in (folded_a, folded_b))
    return fuzz.ratio(a, b)


# --- Per-event cache ------------------------------------------------------------------------

_cache: dict[int, tuple[tuple, dict[int, list[Match]]]] = {}
_lock = threading.Lock()


def cached(event_id: int, fingerprint: tuple, compute) -> dict[int, list[Match]]:
    """``compute()`` once per ``(event_id, fingerprint)`` in this process."""
    with _lock:
        hit = _cache.get(event_id)
    if hit and hit[0] == fingerprint:
        return hit[1]
    result = compute()
    with _lock:
        _cache[event_id] = (fingerprint, result)
    return result


def clear_cache() -> None:
    with _lock:
        _cache.clear()
