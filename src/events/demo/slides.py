"""Real slide decks for the demo: PDFs whose pages carry the title, the speakers and an outline.

Each deck is padded with a textured background picture to about the size the original file had in
the 2003 listing, so that the demo page shows sizes of the same order ("228 KB", "2.2 MB").
"""

from __future__ import annotations

import datetime as dt
import io
import random
from functools import lru_cache

from fpdf import FPDF
from PIL import Image

_FIXED_DATE = dt.datetime(2003, 9, 22, 9, 0, tzinfo=dt.UTC)


def _texture(seed: str, pixels: int) -> Image.Image:
    side = max(int(pixels**0.5), 8)
    noise = random.Random(seed).randbytes(side * side)
    # Light grey grain: text stays readable on top of it, and it does not compress away.
    light = bytes(200 + value % 56 for value in noise)
    return Image.frombytes("L", (side, side), light)


def _build(
    title: str, speakers: list[str], event_line: str, outline: list[str], texture: Image.Image | None
) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_title(title)
    pdf.set_author(", ".join(speakers))
    pdf.set_subject(event_line)
    pdf.set_auto_page_break(False)

    pdf.add_page()
    if texture is not None:
        buffer = io.BytesIO()
        texture.save(buffer, format="PNG", compress_level=1)
        pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.set_text_color(11, 61, 110)
    pdf.set_font("helvetica", "B", 30)
    pdf.set_xy(20, 50)
    pdf.multi_cell(pdf.w - 40, 14, title, align="C")
    pdf.set_text_color(30, 35, 43)
    pdf.set_font("helvetica", "", 18)
    pdf.ln(10)
    for speaker in speakers:
        pdf.set_x(20)
        pdf.multi_cell(pdf.w - 40, 9, speaker, align="C")
    pdf.ln(8)
    pdf.set_font("helvetica", "I", 14)
    pdf.set_x(20)
    pdf.multi_cell(pdf.w - 40, 8, event_line, align="C")

    pdf.add_page()
    pdf.set_font("helvetica", "B", 24)
    pdf.set_xy(20, 20)
    pdf.cell(0, 12, "Outline")
    pdf.set_font("helvetica", "", 18)
    pdf.set_y(45)
    for point in outline:
        pdf.set_x(28)
        pdf.multi_cell(pdf.w - 56, 10, f"- {point}")
        pdf.ln(3)
    pdf.set_font("helvetica", "", 10)
    pdf.set_xy(20, pdf.h - 15)
    pdf.cell(0, 6, f"{title} - {event_line}")
    return bytes(pdf.output())


@lru_cache(maxsize=16)  # the same decks are made again and again in tests: make each once
def slide_deck(
    title: str,
    speakers: tuple[str, ...],
    event_line: str,
    outline: tuple[str, ...],
    target_size: int | None = None,
) -> bytes:
    """A PDF deck; with ``target_size`` it is padded to within a few per cent of that many bytes."""
    plain = _build(title, speakers, event_line, outline, None)
    if target_size is None or target_size <= len(plain) + 4096:
        return plain
    pixels = target_size - len(plain)
    deck = plain
    for _ in range(3):  # the grain compresses a little; two corrections land close enough
        deck = _build(title, speakers, event_line, outline, _texture(title, pixels))
        if abs(len(deck) - target_size) < target_size * 0.01:
            break
        pixels = max(int(pixels * (target_size - len(plain)) / max(len(deck) - len(plain), 1)), 64)
    return deck
