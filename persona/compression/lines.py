"""Cutting kept text down: a short line around one value, and a telegraphic line without function words.

    from persona.compression.lines import short_line, squeeze
    short_line("The health check should hit 5432 every ten seconds.", 29, 6)   # '… hit 5432 every ten seconds …'

Pure functions on strings; no model, no tokenizer.
"""
from __future__ import annotations

import re

WORD_SPAN = re.compile(r"\S+")
FUNCTION_WORDS = frozenset(
    "i i'm i've i'll i'd we we're we've we'll we'd me us my our you you're your it it's it'll they they're "
    "them their he she he's she's his him her is are was were am will would that which who just really "
    "actually basically honestly very quite also so please okay ok well yes oh though still even already "
    "definitely probably pretty".split())
"""Words a telegraphic line leaves out, outside fact spans: pronouns, copulas, fillers. Articles,
prepositions, conjunctions and modal verbs stay: they sit inside values a pattern does not mark
("the Old Mill", "3rd of march", "has to stay under eight pages")."""


def squeeze(text: str, spans: list[tuple[int, int]], words: frozenset = FUNCTION_WORDS) -> str:
    """The text without FUNCTION_WORDS outside `spans` (offsets of fact spans in it); a dropped
    word's closing punctuation moves to the word before it."""
    kept: list[str] = []
    for match in WORD_SPAN.finditer(text):
        word = match.group()
        core = word.strip(".,;:!?()\"“”'‘’").lower().replace("’", "'")
        inside = any(match.start() < b and a < match.end() for a, b in spans)
        if inside or core not in words:
            kept.append(word)
            continue
        tail = re.search(r"[.,;:!?]+$", word)
        if tail and kept and not re.search(r"[.,;:!?]$", kept[-1]):
            kept[-1] += tail.group()
    squeezed = " ".join(kept)
    return squeezed if squeezed.strip(".,;:!? ") else text


LEADING_WORDS = frozenset("a an the of to for and or in on at with by from".split())
"""Words a cut line does not end on: articles, prepositions and conjunctions lead to what it leaves out.
Question words and verbs stay ("What should I do")."""


def short_line(text: str, anchor: int, max_words: int, anchor_end: int = 0) -> str:
    """`max_words` words of the text around offset `anchor` (fewer when the last ones are fillers), '…'
    where cut; '' when it is short already. A value ending at `anchor_end` is never cut ("September 20, 2025"):
    the line then starts nearer it, or runs longer."""
    words = list(WORD_SPAN.finditer(text))
    if len(words) <= max_words:
        return ""
    at = next((i for i, w in enumerate(words) if w.end() > anchor), 0)
    last = next((i for i, w in enumerate(words) if w.end() >= anchor_end), at)
    low = max(0, min(at - max_words // 4, len(words) - max_words))
    low = min(at, max(low, last + 1 - max_words))
    high = max(low + max_words, last + 1)
    # A cut line does not end on "a", "the", "for": they lead to words it leaves out.
    while high - 1 > max(at, low) and high < len(words) and words[high - 1].group().lower() in LEADING_WORDS:
        high -= 1
    body = text[words[low].start():words[high - 1].end()]
    return ("… " if low else "") + body + (" …" if high < len(words) else "")
