"""Reading pages as a person (and a validator) would: visible text, links, landmarks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"


def parse(html: str) -> ET.Element:
    """Parse as HTML5, failing on any parse error (unclosed or misnested tags, bad doctype...)."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(html)


def elements(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(f"{NS}{tag}"))


def _pieces(element: ET.Element):  # noqa: ANN202
    if element.tag == f"{NS}br":
        yield " "  # a line break reads as a space, as in a browser's innerText
    yield element.text or ""
    for child in element:
        yield from _pieces(child)
        yield child.tail or ""


def text_of(element: ET.Element) -> str:
    return re.sub(r"\s+", " ", "".join(_pieces(element))).strip()


def main_text(html: str) -> str:
    root = parse(html)
    (main,) = elements(root, "main")
    return text_of(main)


def links(html: str) -> dict[str, str]:
    """href -> link text, for every link on the page."""
    return {a.get("href"): text_of(a) for a in elements(parse(html), "a")}


def assert_in_order(text: str, expected: list[str]) -> None:
    position = 0
    for item in expected:
        found = text.find(item, position)
        assert found >= 0, (
            f"{item!r} missing (or out of order) after position {position} in: {text[position : position + 300]!r}"
        )
        position = found + len(item)
