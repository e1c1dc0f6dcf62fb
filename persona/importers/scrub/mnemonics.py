"""Wallet seed phrases: a run of 12 or more BIP39 words of one language, numbered or not.

    "abandon ability able about above absent absorb abstract absurd abuse access accident"
    "1. legal 2. winner 3. thank …"          "frase semilla: ábaco abdomen abeja …"

Whoever holds the words holds the wallet. The wordlists come from the `mnemonic` package (the
BIP39 reference, every language it ships). Ordinary prose is never twelve list words in a row:
the lists leave out "the", "a", "is", "to" and every other short word sentences are made of, so
the run alone decides and no cue is needed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .types import Redaction

MIN_WORDS = 12
"""BIP39 phrases have 12, 15, 18, 21 or 24 words; a shorter run is a word list, not a key."""
_TOKEN = re.compile(r"[^\s,;]+")
_NUMBERING = re.compile(r"^\(?\d{1,2}[.):]?$")
_QUOTES = "\"'`“”‘’.:"


@lru_cache(maxsize=1)
def wordlists() -> dict[str, int]:
    """Word -> bit mask of the BIP39 languages whose list holds it."""
    from mnemonic import Mnemonic

    masks: dict[str, int] = {}
    for bit, language in enumerate(sorted(Mnemonic.list_languages())):
        for word in Mnemonic(language).wordlist:
            masks[word] = masks.get(word, 0) | 1 << bit
    return masks


def _runs(text: str, masks: dict[str, int]):
    """(start, end, words) of each run of list words that share a language."""
    start = end = count = shared = 0
    for m in _TOKEN.finditer(text):
        if _NUMBERING.match(m.group()):
            continue
        word = m.group().strip(_QUOTES)
        mask = masks.get(word, 0) if word else 0
        if count and mask & shared:
            end, count, shared = m.start() + m.group().index(word) + len(word), count + 1, mask & shared
            continue
        if count:
            yield start, end, count
        count = 0
        if mask:
            start = m.start() + m.group().index(word)
            end, count, shared = start + len(word), 1, mask
    if count:
        yield start, end, count


def find(text: str) -> list[Redaction]:
    """Runs of at least MIN_WORDS BIP39 words of one language."""
    if len(text) < MIN_WORDS * 4:
        return []
    return [Redaction("seed_phrase", start, end) for start, end, count in _runs(text, wordlists())
            if count >= MIN_WORDS]
