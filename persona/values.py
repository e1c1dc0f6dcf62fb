"""Is a value in a text? Matching on word boundaries after normalization.

"1 October" is not in "11 October", "8443" not in "18443", "v2.3" not in "v2.3.1"; but case, separators
and number formats do not matter: "pg-prod-07" is in "PG_PROD_07", "1,200 EUR" in "1200 eur", "340 ms" in
"340ms", "1st of May" in "1 of may". A text and a value are both read as tokens:

- lower case (Unicode casefold), curly quotes and dashes made plain;
- a number keeps its inner dots ("1.10.13", "0.8"); a comma between digits followed by exactly three
  digits is a thousands separator and goes ("1,200" -> "1200"); an ordinal suffix goes ("21st" -> "21");
- a number written against its unit splits from it ("340ms" -> "340 ms", "1.2s" -> "1.2 s");
- currency signs, "%", "#" and "@" are tokens of their own, and so is a possessive "'s" ("becker's");
  any other punctuation or space separates (an apostrophe inside a word stays: "o'brien").

The value is present when its tokens occur as a contiguous run of the text's tokens.

    from persona.values import contains_value
    contains_value("moved to 11 October", "1 October")   # False

Pure functions on strings.
"""
from __future__ import annotations

import re
import unicodedata

PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-", "\u00a0": " "})
UNITS = frozenset("ms s sec secs min mins h hr hrs d kg g mg km m cm mm gb mb kb tb gib mib k x px rpm mph ml l "
                  "pm am".split())
"""Unit letters split from a number written against them ("340ms"); other letters stay ("4b", "1h20")."""
ORDINALS = frozenset({"st", "nd", "rd", "th"})
TOKEN = re.compile(r"(?P<sign>[$€£¥%#@])|(?P<v>(?<![^\W_])[vV](?=\d))|(?P<number>\d+(?:[.,]\d+)*)(?P<rest>[^\W_]*)"
                   r"|(?P<word>[^\W_]+(?:'[^\W_]+)*)")
THOUSANDS = re.compile(r",(?=\d{3}(?!\d))")


def _number(digits: str, start: int) -> list[tuple[str, int, int]]:
    """A run of digits, dots and commas: thousands separators dropped, any other comma separates."""
    found, offset = [], start
    for part in re.split(r",(?!\d{3}(?!\d))", digits):
        found.append((THOUSANDS.sub("", part), offset, offset + len(part)))
        offset += len(part) + 1
    return found


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(normalized token, start, end) of every token of the text, offsets in the text as given."""
    found = []
    for match in TOKEN.finditer(text.translate(PLAIN)):
        if match.group("v"):
            continue  # "v2.3.1" is 2.3.1
        if not match.group("number"):
            word = unicodedata.normalize("NFC", match.group().casefold())
            if word.endswith("'s") and len(word) > 2:  # "becker's" holds "becker"
                found += [(word[:-2], match.start(), match.end() - 2), ("'s", match.end() - 2, match.end())]
            else:
                found.append((word, match.start(), match.end()))
            continue
        numbers = _number(match.group("number"), match.start())
        rest = match.group("rest").casefold()
        if rest in UNITS:
            found += numbers + [(rest, match.start("rest"), match.end())]
        elif rest in ORDINALS:
            found += numbers
        else:
            last, start, _ = numbers.pop()
            found += numbers + [(last + rest, start, match.end())]
    return found


def normalize_value(text: str) -> str:
    """The text's tokens joined by single spaces: what matching compares ("PG_Prod-07" -> "pg prod 07")."""
    return " ".join(token for token, _, _ in _tokens(text))


def find_value_spans(text: str, value: str) -> list[tuple[int, int]]:
    """(start, end) offsets in `text` of every occurrence of `value`, on token boundaries."""
    wanted = [token for token, _, _ in _tokens(value)]
    if not wanted:
        return []
    tokens = _tokens(text)
    n = len(wanted)
    return [(tokens[i][1], tokens[i + n - 1][2]) for i in range(len(tokens) - n + 1)
            if [t for t, _, _ in tokens[i:i + n]] == wanted]


def contains_value(text: str, value: str) -> bool:
    """The value occurs in the text on token boundaries, after normalization (see the module docstring)."""
    return bool(find_value_spans(text, value))
