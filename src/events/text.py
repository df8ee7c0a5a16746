"""Small text helpers shared by the areas."""

from __future__ import annotations

import re
import unicodedata


class _CombiningMarks(dict):
    """A ``str.translate`` table that drops combining marks (accents), filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        self[code] = None if unicodedata.combining(chr(code)) else code
        return self[code]


_DROP_ACCENTS = _CombiningMarks()
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents or punctuation, for matching: "Société d'État" -> "societe detat"."""
    bare = text.casefold()
    if not bare.isascii():  # plain ASCII has nothing to decompose (an import folds each name many times)
        bare = unicodedata.normalize("NFKD", bare).translate(_DROP_ACCENTS)
    return " ".join(_WORD.findall(bare.replace("'", "").replace("’", "")))


def searchable(text: str) -> str:
    """The folded words a name is found by: "Société de l'assurance" -> "societe de lassurance l assurance".

    An apostrophe joins ("O'Brien" is found as "obrien") and also separates, so that French elisions
    leave the word findable ("assurance").
    """
    words = fold(text).split()
    split = fold(re.sub(r"['’]", " ", text)).split() if "'" in text or "’" in text else []
    return " ".join(dict.fromkeys(words + split))


def slugify(text: str, max_length: int = 80) -> str:
    """'Cary O'Brien' -> 'cary-obrien'; accents folded, only a-z, 0-9 and single hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("'", "").replace("’", "")
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:max_length].rstrip("-") or "item"[:max_length]
