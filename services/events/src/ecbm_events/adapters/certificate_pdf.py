"""Certificates of attendance as PDF (fpdf2): one A4 landscape page with its verification code.

The PDF core fonts cover Latin-1 only; other letters are written without their accents
(``Łukasz`` → ``Lukasz``) rather than embedding a font file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF

from ecbm_events.domain.times import local

ISSUER = "European Center for Evidence-Based Mentoring"


@dataclass(frozen=True)
class CertificateText:
    holder_name: str
    event_title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    code: str
    issued_at: datetime


def render(text: CertificateText) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(_latin1(f"Certificate of attendance: {text.event_title}"))
    pdf.set_author(ISSUER)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 30)
    pdf.cell(0, 30, "Certificate of attendance", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 12, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 24)
    pdf.cell(0, 18, _latin1(text.holder_name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 12, "attended", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 12, _latin1(text.event_title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 12, _dates(text), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(20)
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 8, f"Issued by the {ISSUER} on {text.issued_at:%d %B %Y}.", align="C",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.cell(0, 8, f"Verification code: {text.code}", align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _dates(text: CertificateText) -> str:
    start, end = local(text.starts_at, text.time_zone), local(text.ends_at, text.time_zone)
    if start.date() == end.date():
        return f"on {start:%d %B %Y}"
    return f"from {start:%d %B %Y} to {end:%d %B %Y}"


def _latin1(value: str) -> str:
    """``value`` in the core fonts' Latin-1: other letters lose their accents, or become '?'."""
    if all(ord(c) < 256 for c in value):
        return value
    stripped = "".join(c if ord(c) < 256 else unicodedata.normalize("NFKD", c)[0] for c in value)
    return stripped.encode("latin-1", "replace").decode("latin-1")
