"""Word-level helpers shared by the measures: content words, a crude stem, loops, echoes, what an answer is about."""
from __future__ import annotations

import math
import re
from collections import Counter

from persona.metrics import repetition_ratio

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset("""a about after again all also am an and any are as at be been before being but by can could
did do does doing don't for from had has have having he her here hers him his how i i'd i'll i'm i've if in into
is it it's its just let's like me more most my no not now of on one or our out over really so some such than that
that's the their them then there these they this those to too up us very was we we're were what when where which
while who why will with would you you'd you're your yours yes yeah ok okay""".split())
MIN_ANSWER_WORDS = 2
"""Fewer words than this is no answer ("ok", "", a lone token)."""
MAX_REPETITION = 0.3
"""Share of repeated word trigrams above which a text reads as a loop."""


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def stem(word: str) -> str:
    """Cut a common English suffix, so that "deploys", "deployed" and "deploying" meet."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_stems(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in _STOP and len(w) > 2]


def is_loop(text: str) -> bool:
    return repetition_ratio(text) > MAX_REPETITION


def is_echo(answer: str, prompt: str) -> bool:
    """The answer mostly repeats the prompt: under 3 content words of its own, or half its words the prompt's."""
    own = content_stems(answer)
    asked = set(content_stems(prompt))
    new = [w for w in own if w not in asked]
    return len(set(new)) < 3 or (len(own) > 0 and len(new) / len(own) < 0.5)


def substantive(text: str, min_words: int = MIN_ANSWER_WORDS) -> bool:
    """Enough words and not a loop."""
    return len(words(text)) >= min_words and not is_loop(text)


def _vector(stems: list[str], idf: dict[str, float]) -> dict[str, float]:
    counts = Counter(stems)
    vec = {w: (1 + math.log(c)) * idf.get(w, 0.0) for w, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {w: v / norm for w, v in vec.items()} if norm else {}


def relevance_matrix(answers: list[str], topics: list[str]) -> list[list[float]]:
    """Cosine of word TF-IDF vectors: row i is answer i against every topic (a prompt with its reference)."""
    docs = [set(content_stems(t)) for t in topics]
    idf = {w: math.log((1 + len(docs)) / (1 + sum(w in d for d in docs))) + 1 for d in docs for w in d}
    topic_vecs = [_vector(content_stems(t), idf) for t in topics]
    rows = []
    for answer in answers:
        vec = _vector(content_stems(answer), idf)
        rows.append([sum(v * t.get(w, 0.0) for w, v in vec.items()) for t in topic_vecs])
    return rows


def about_own_topic(row: list[float], own: int, top_share: float = 0.1) -> bool:
    """The answer's own topic is among its best-matching ones: top 10% of the set (at least the top 1).

    A constant answer matches the same topics whatever it was asked, so it is "about its own prompt" for at most
    that share of the prompts; an on-topic answer is, for nearly all of them. Ties count against the answer.
    """
    if row[own] <= 0:
        return False
    allowed = max(1, math.floor(top_share * len(row)))
    better_or_equal = sum(1 for j, score in enumerate(row) if j != own and score >= row[own])
    return better_or_equal < allowed
