"""QR images of check-in codes: PNG for download, SVG for pages and print.

The matrix comes from the ``qrcode`` library (error correction M, the best mask). Codes are
upper-case base32 with one dot, so they fit alphanumeric mode: version 3, 29×29 modules.
The SVG is one path of horizontal runs, small enough to inline a thousand of them on a
badge sheet; matrices are cached because the same code is printed again and again.
"""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
from markupsafe import Markup
from qrcode.constants import ERROR_CORRECT_M

#: Quiet zone in modules; the standard asks for 4 around the symbol.
BORDER = 4


def _qr(code: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=BORDER, box_size=10)
    qr.add_data(code)
    qr.make(fit=True)
    return qr


@lru_cache(maxsize=4096)
def _svg_path(code: str) -> tuple[int, str]:
    """(size in modules with border, path data) for ``code``."""
    matrix = _qr(code).get_matrix()  # includes the border
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return len(matrix), "".join(parts)


def svg(code: str, *, css_class: str = "qr", title: str | None = None) -> Markup:
    """An inline ``<svg>`` that scales to its box (set its size in CSS)."""
    size, path = _svg_path(code)
    label = Markup("<title>{}</title>").format(title) if title else ""
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" viewBox="0 0 {n} {n}" '
        'shape-rendering="crispEdges" role="img">{label}'
        '<rect width="{n}" height="{n}" fill="#fff"/><path d="{path}" fill="#000"/></svg>'
    ).format(cls=css_class, n=size, label=label, path=path)


def svg_document(code: str, module_px: int = 10) -> bytes:
    """A standalone SVG file with a fixed pixel size."""
    size, path = _svg_path(code)
    px = size * module_px
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{px}" height="{px}" '
            f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
            f'<rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path d="{path}" fill="#000"/></svg>\n').encode()


def png(code: str, module_px: int = 10) -> bytes:
    """A PNG, ``module_px`` pixels per module (290 px wide plus border by default)."""
    qr = _qr(code)
    qr.box_size = module_px
    image = qr.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
