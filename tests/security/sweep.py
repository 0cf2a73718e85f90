"""Helpers for the security sweeps: crawl the pages a user can reach, find their forms,
and fingerprint the whole database so a refused request can be shown to change nothing."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa

from eventapp.extensions import db

SKIP_SUFFIXES = (".xlsx", ".png", ".svg", ".pdf", ".json", ".js", ".css")


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name → input type
    options: dict[str, list[str]] = field(default_factory=dict)
    has_file: bool = False


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = Form(action=a.get("action") or "")
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else tag
            self._form.fields[a["name"]] = kind
            self._form.has_file |= kind == "file"
            if tag == "select":
                self._select = a["name"]
                self._form.options[a["name"]] = []
            if kind in ("checkbox", "radio"):
                self._form.options.setdefault(a["name"], []).append(a.get("value", "y"))
        elif tag == "option" and self._form is not None and self._select:
            self._form.options[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def crawl(client, start: str, limit: int = 200) -> tuple[list[str], list[Form]]:
    """Breadth-first GET of same-site pages reachable from ``start``; their POST forms."""
    seen, queue, forms = set(), [start], {}
    pages = []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or path.endswith(SKIP_SUFFIXES) or path.startswith("/static/"):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages.append(url)
        parser = _Parser()
        parser.feed(response.get_data(as_text=True))
        for link in parser.links:
            target = urljoin(url, link)
            parts = urlsplit(target)
            if parts.netloc in ("", "localhost") and parts.path.startswith("/") \
                    and target not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        for form in parser.forms:
            form.action = urlsplit(urljoin(url, form.action or url)).path
            forms.setdefault((form.action, tuple(sorted(form.fields))), (url, form))
    return pages, [(page, form) for page, form in forms.values()]


#: Written by any request that authenticates, allowed or refused: when a token or a login
#: session was last used, and the login throttle's counters.
BOOKKEEPING_TABLES = frozenset({"login_throttle", "login_session"})
BOOKKEEPING_COLUMNS = frozenset({"last_used_at"})


def fingerprint() -> str:
    """A hash of every row of every table."""
    digest = hashlib.sha256()
    db.session.rollback()
    for table in db.metadata.sorted_tables:
        if table.name in BOOKKEEPING_TABLES:
            continue
        columns = [c for c in table.columns if c.name not in BOOKKEEPING_COLUMNS]
        rows = db.session.execute(sa.select(*columns)).all()
        digest.update(table.name.encode())
        for row in sorted(repr(tuple(r)) for r in rows):
            digest.update(row.encode())
    db.session.rollback()
    return digest.hexdigest()


def slug_of(path: str) -> str:
    return re.sub(r"/\d+", "/<id>", path)


def url_for_rule(rule: str, params: dict) -> str:
    """A URL-map rule with its ``<converter:name>`` parts filled from ``params``."""
    def fill(match):
        return str(params[match.group(1)])

    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", fill, rule)
