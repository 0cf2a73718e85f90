"""The scanner as an installable app (ứng dụng cài trên điện thoại): its web app manifest
and its service worker, which keeps the scanner page and the files it needs so that a door
reopens it with the server unreachable.

The worker is served at ``/checkin/sw.js`` so that its scope (``/checkin/``) covers every
scanner page. Its cache is named after a hash of the files it keeps: a deploy that changes
any of them changes the worker's bytes, so browsers install the new one and drop the old
cache. It keeps static files and scanner pages only: never an API answer, the offline
table (``codes.json``, kept by the page itself in IndexedDB) or any other page.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, url_for

from eventapp.events.models import Event

#: Static files of the scanner page (``base.html`` and ``checkin/scanner.html``) besides
#: its ES modules, which are all taken from ``js/checkin/``.
SHELL_FILES = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "css/app.css",
    "css/checkin.css",
    "js/app.js",
    "vendor/zxing/zxing.min.js",  # loaded when the camera is switched on
    "img/checkin-icon-192.png",
    "img/checkin-icon-512.png",
    "img/favicon.svg",  # base.html's icons: a reload offline asks for them too
    "favicon.ico",
)
MODULES = "js/checkin"
WORKER_TEMPLATE = "checkin/sw.js"
SCOPE = "/checkin/"


def shell_files(static_dir: Path) -> list[str]:
    """The static files the worker keeps, relative to the static folder."""
    modules = sorted(p.relative_to(static_dir).as_posix()
                     for p in (static_dir / MODULES).glob("*.js"))
    return list(SHELL_FILES) + modules


def _stamp(paths: tuple[Path, ...]) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


@cache
def _digest(stamp: tuple) -> str:
    sha = hashlib.sha256()
    for name, _, _ in stamp:
        sha.update(name.encode())
        sha.update(Path(name).read_bytes())
    return sha.hexdigest()[:16]


def version() -> str:
    """A hash of the kept files and of the worker itself (recomputed when one changes)."""
    static_dir = Path(current_app.static_folder)
    worker = Path(current_app.template_folder) / WORKER_TEMPLATE
    files = tuple(static_dir / name for name in shell_files(static_dir)) + (worker,)
    return _digest(_stamp(files))


def worker_context() -> dict:
    """What ``templates/checkin/sw.js`` is rendered with."""
    static_dir = Path(current_app.static_folder)
    return {
        "version": version(),
        "shell": [url_for("static", filename=name) for name in shell_files(static_dir)],
        "scope": SCOPE,
        # Scanner pages: /checkin/<slug>/scan/<session key> and nothing below it.
        "page_pattern": r"^/checkin/[^/]+/scan/[^/]+/?$",
    }


def manifest(event: Event, session, start_url: str) -> dict:
    """The web app manifest of one session's scanner: installed, it opens that scanner."""
    return {
        "name": f"Check-in · {session.name}",
        "short_name": "Check-in",
        "description": f"Quét mã check-in — {event.title}",
        "lang": "vi",
        "id": start_url,
        "start_url": start_url,
        "scope": SCOPE,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [
            {"src": url_for("static", filename=f"img/checkin-icon-{size}.png"),
             "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
            for size in (192, 512)
        ],
    }
