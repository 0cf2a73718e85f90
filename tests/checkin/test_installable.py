"""The scanner's web app manifest and service worker as the server serves them: where the
worker lives, what it keeps, how its version follows the files, and the CSRF token the
offline page gets back from the code table."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from eventapp.checkin import installable
from eventapp.security import CSP

SCANNER = "/checkin/doi-thoai-2020/scan/doi-thoai"


def worker_constants(text: str) -> dict:
    found = {}
    for name in ("VERSION", "SHELL", "PAGE"):
        match = re.search(rf"^const {name} = (?:new RegExp\()?(.+?)\)?;$", text, re.M)
        found[name] = json.loads(match.group(1))
    return found


def test_worker_is_served_where_its_scope_covers_the_scanner(client):
    response = client.get("/checkin/sw.js")  # no login needed: it holds no personal data
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"  # a deploy reaches the phones
    assert response.headers["Content-Security-Policy"] == CSP
    assert installable.SCOPE == "/checkin/" and SCANNER.startswith(installable.SCOPE)
    page = re.compile(worker_constants(response.get_data(as_text=True))["PAGE"])
    assert page.match(SCANNER)
    for other in (SCANNER + "/codes.json", SCANNER + "/scan", "/checkin/doi-thoai-2020/board",
                  "/checkin/", "/api/v1/events"):
        assert not page.match(other), other


def test_worker_keeps_every_static_file_of_the_scanner_page(client, login, users, event):
    login(users["checkin"])
    html = client.get(SCANNER).get_data(as_text=True)
    shell = worker_constants(client.get("/checkin/sw.js").get_data(as_text=True))["SHELL"]
    used = set(re.findall(r'(?:href|src)="(/static/[^"?]+)"', html))
    used.add(re.search(r'"zxing": ?"([^"]+)"', html).group(1))
    modules = Path(client.application.static_folder, "js", "checkin")
    used |= {f"/static/js/checkin/{p.name}" for p in modules.glob("*.js")}
    assert used and used <= set(shell), used - set(shell)
    assert all(url.startswith("/static/") for url in shell)  # never a page or an API
    for url in shell:
        assert client.get(url).status_code == 200, url


def test_version_follows_the_contents_of_the_kept_files(app, client, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    app.static_folder = str(static)
    first = worker_constants(client.get("/checkin/sw.js").get_data(as_text=True))["VERSION"]
    store = static / "js" / "checkin" / "store.js"
    original = store.read_bytes()
    store.write_bytes(original + b"\n// deployed\n")
    changed = worker_constants(client.get("/checkin/sw.js").get_data(as_text=True))["VERSION"]
    assert changed != first
    store.write_bytes(original)  # same bytes, new mtime: the same version again
    again = worker_constants(client.get("/checkin/sw.js").get_data(as_text=True))["VERSION"]
    assert again == first


def test_manifest_opens_the_sessions_scanner(client, login, users, event):
    assert client.get(SCANNER + "/manifest.webmanifest").status_code in (302, 401)
    login(users["checkin"])
    html = client.get(SCANNER).get_data(as_text=True)
    assert f'<link rel="manifest" href="{SCANNER}/manifest.webmanifest"' in html
    response = client.get(SCANNER + "/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["start_url"] == SCANNER and manifest["scope"] == "/checkin/"
    assert manifest["display"] == "standalone" and manifest["lang"] == "vi"
    assert manifest["description"].startswith("Quét mã check-in — Chương trình đối thoại")
    sizes = set()
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes  # what browsers ask of an installable app


def test_code_table_brings_a_token_the_scan_accepts(client, login, users, people):
    login(users["checkin"])
    table = client.get(SCANNER + "/codes.json").get_json()
    response = client.post(SCANNER + "/scan", json={"code": "KHONG-CO", "device": "Cửa 1"},
                           headers={"X-CSRFToken": table["csrf"]})
    assert response.status_code == 404 and response.get_json()["result"] == "unknown_code"
    stale = client.post(SCANNER + "/scan", json={"code": "KHONG-CO", "device": "Cửa 1"},
                        headers={"X-CSRFToken": "cu"})
    assert stale.status_code == 400 and "result" not in stale.get_json()
