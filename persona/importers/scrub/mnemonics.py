"""Wallet seed phrases: a run of 12 or more BIP39 words of one language, numbered or not.

    "abandon ability able about above absent absorb abstract absurd abuse access accident"
    "1. legal 2. winner 3. thank …"          "frase semilla: ábaco abdomen abeja …"

Whoever holds the words holds the wallet. The wordlists come from the `mnemonic` package (the
BIP39 reference, every language it ships). Ordinary prose is never twelve list words in a row:
the lists leave out "the", "a", "is", "to" and every other short word sentences are made of, so
the run alone decides and no cue is needed. After a cue ("seed phrase", "recovery phrase",
"mnemonic", "frase semilla"…), 12-24 lowercase words count whatever list they come from (Electrum's).
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
# Electrum and other wallets use lists of their own: after a cue, 12-24 lowercase words are the phrase
# unless one of them is a word sentences need (a list phrase has none of these).
_CUE = re.compile(
    r"(?i:seed[ -]?(?:phrase|words)|(?:recovery|backup|secret|wallet)[ \t]+(?:phrase|words|seed)|mnemonic(?:[ \t]+phrase)?"
    r"|frase[ \t]+(?:semilla|mnem[óo]nica|de[ \t]+recupera(?:ci[óo]n|[çc][ãa]o))|phrase[ \t]+(?:de[ \t]+récupération"
    r"|mnémonique)|wiederherstellungsphrase|herstelzin)[^\w\n]{0,4}(?:(?:is|ist|es|est|é|was)[ \t]+)?[\"'`]?"
    r"(?P<value>(?:[^\W\d_]+[ \t,]+){11,23}[^\W\d_]+)")
_SENTENCE_WORDS = frozenset("""
a an the is are was were be to of in on at by for with and or but that this it you we i he she they my your our
not no so as if then than from into helps help le la les de des et est un une der die das und ist ein eine el los
las y es un una o que il lo gli e è di
""".split())


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


def find_cued(text: str) -> list[Redaction]:
    """12-24 lowercase words after a seed phrase cue, none of them a word sentences are made of."""
    found = []
    for m in _CUE.finditer(text):
        words = re.split(r"[ \t,]+", m.group("value"))
        if all(w == w.lower() and w not in _SENTENCE_WORDS for w in words):
            found.append(Redaction("seed_phrase", *m.span("value")))
    return found


def find(text: str) -> list[Redaction]:
    """Runs of at least MIN_WORDS BIP39 words of one language, and cued phrases of other lists."""
    if len(text) < MIN_WORDS * 4:
        return []
    found = [Redaction("seed_phrase", start, end) for start, end, count in _runs(text, wordlists())
             if count >= MIN_WORDS]
    return found + find_cued(text)
