"""Invented sample people and files for ``demo --live`` (the texts are in ``samples.json``).

Everything is drawn from one seeded ``random.Random``: the same run order gives the same
names, phones and questions on every machine.
"""

from __future__ import annotations

import json
import random
from functools import cache
from importlib import resources
from io import BytesIO

from werkzeug.datastructures import FileStorage

#: The seed of every random choice of the live demo: change it and the sample data changes.
SEED = 20200214


@cache
def samples() -> dict:
    return json.loads(resources.files("eventapp.demo").joinpath("samples.json")
                      .read_text(encoding="utf-8"))


class People:
    """Plausible Vietnamese names (họ, tên đệm, tên), never the same twice in one demo."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def gender(self) -> str:
        return self.rng.choice(["nam", "nu"])

    def name(self, gender: str | None = None) -> str:
        data, gender = samples(), gender or self.gender()
        while True:
            name = " ".join([self.rng.choice(data["family_names"]),
                             self.rng.choice(data["middle_names"][gender]),
                             self.rng.choice(data["given_names"][gender])])
            if name not in self.used:
                self.used.add(name)
                return name

    def phone(self) -> str:
        """A mobile number of the usual 10 digits (prefixes of Vietnamese carriers)."""
        return self.rng.choice(["090", "091", "094", "097", "098", "083", "070"]) + \
            "".join(str(self.rng.randrange(10)) for _ in range(7))

    def school(self, unit_code: str, unit_name: str) -> str:
        """A primary or lower-secondary school in one of the district's communes; a school
        unit's own name otherwise."""
        communes = samples()["communes"].get(unit_code)
        if not communes:
            return unit_name.removeprefix("Đoàn trường ").removeprefix("Đoàn ")
        level = self.rng.choice(["Tiểu học", "Trung học cơ sở"])
        return f"Trường {level} {self.rng.choice(communes)}"


def pdf_file(filename: str, title: str) -> FileStorage:
    """A one-page PDF that any viewer opens (its ASCII ``title`` printed), as an upload."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 60 780 Td ({text}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = BytesIO(b"%PDF-1.4\n"), []
    out.seek(0, 2)
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return FileStorage(stream=BytesIO(out.getvalue()), filename=filename,
                       content_type="application/pdf")
