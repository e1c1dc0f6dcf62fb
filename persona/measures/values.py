"""Values in answers: persona.values' matching (word boundaries, case, separators, number formats), after two
normalizations a model's wording needs and a conversation's stored values do not: accents dropped ("Vesela" is
"Veselá") and small numbers spelled out read as digits ("four-day week" is "4-day week").

"1 October" is not in "11 October", "16 March" is not "16 May", "Kellerman" is not "Kellermann".
"""
from __future__ import annotations

import re
import unicodedata

from persona import values

_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _WORD.sub(lambda m: _NUMBER_WORDS[m.group(1).lower()], text)


def contains_value(text: str, value: str) -> bool:
    """The value's tokens occur as a contiguous run of the text's tokens."""
    return values.contains_value(_plain(text), _plain(value))


def contains_any(text: str, variants) -> bool:
    """Any accepted form of one value is in the text."""
    plain = _plain(text)
    return any(values.contains_value(plain, _plain(v)) for v in variants)
