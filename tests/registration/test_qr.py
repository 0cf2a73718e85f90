"""QR images: the PNG decodes back to the attendee's code; the SVG is a clean scalable file."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image

from eventapp.registration import codes, qr

pytestmark = pytest.mark.usefixtures("open_registration")
BASE = "/events/doi-thoai-2020/registration"


def decode(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_png_decodes_to_the_code(client, users, login, add):
    attendee = add(users["unit_a"], "Nguyễn Văn QR")
    login(users["unit_a"])
    response = client.get(f"{BASE}/{attendee.id}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "no-store" in response.headers["Cache-Control"]
    assert decode(response.data) == [codes.attendee_code(attendee)]


def test_reissued_code_is_what_the_new_image_holds(client, users, login, add):
    attendee = add(users["unit_a"], "Trần Thị Mã")
    login(users["organizer"])
    first = decode(client.get(f"{BASE}/{attendee.id}/qr.png").data)
    client.post_form(f"{BASE}/{attendee.id}/reissue", page=f"{BASE}/{attendee.id}/edit")
    second = decode(client.get(f"{BASE}/{attendee.id}/qr.png").data)
    assert first != second and second == [codes.attendee_code(attendee)]


def test_svg_file(client, users, login, add):
    attendee = add(users["unit_a"], "Lê Văn Vector")
    login(users["unit_a"])
    response = client.get(f"{BASE}/{attendee.id}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.get("viewBox") == "0 0 37 37"  # version 3 (29 modules) and a 4-module border
    assert len(root.findall("{http://www.w3.org/2000/svg}path")) == 1


def test_inline_svg_matches_the_png_matrix():
    code = codes.make_code(b"k" * 32, 7, codes.new_nonce())
    assert decode(qr.png(code)) == [code]
    size, path = qr._svg_path(code)
    grid = [[False] * size for _ in range(size)]
    for run in path.split("z")[:-1]:
        x, rest = run[1:].split(" ")
        y, rest = rest.split("h", 1)
        width = int(rest.split("v")[0])
        for dx in range(width):
            grid[int(y)][int(x) + dx] = True
    image = Image.new("L", (size * 8, size * 8), 255)
    for y, row in enumerate(grid):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, (x * 8, y * 8, x * 8 + 8, y * 8 + 8))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [code]
