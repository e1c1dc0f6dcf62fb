"""Matching values, not strings that look alike: "1 October" is not in "11 October", "16 March" is not "16 May".

Both sides are normalized the same way (case, accents, separators, thousands separators, small number words,
digits glued to units) into tokens, and a value is found when its tokens occur as a contiguous run of the
text's tokens: word boundaries by construction.
"""
from __future__ import annotations

import re
import unicodedata

_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_TOKEN = re.compile(r"\d+(?:[.:]\d+)*|[a-z]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def tokens(text: str) -> list[str]:
    """Normalized tokens: lowercase, accents dropped, '1,450' -> '1450', 'four' -> '4', '32h' -> '32', 'h'."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _THOUSANDS.sub("", text)
    found = [_NUMBER_WORDS.get(t, t) for t in _TOKEN.findall(text)]
    return [t[:-1] if t.endswith(".") else t for t in found]


def _runs(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def contains_value(text: str, value: str) -> bool:
    """The value's tokens occur contiguously in the text's tokens."""
    return _runs(tokens(text), tokens(value))


def contains_any(text: str, variants) -> bool:
    """Any accepted form of one value is in the text."""
    found = tokens(text)
    return any(_runs(found, tokens(v)) for v in variants)
