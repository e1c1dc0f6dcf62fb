"""Stylometry: how close a text's character 3-5-grams come to the person's writing.

Character n-gram TF-IDF profiles are the training-free baseline of authorship verification: they carry casing,
punctuation, function words and pet phrases at once, and care little about topic or length. The person's
profile is the centroid of their training answers; a text's score is the cosine with it. The style criterion
reports the share of the gap closed between the base model (the floor) and the person's own held-out writing
(the ceiling).
"""
from __future__ import annotations

import math
import statistics
from collections import Counter

from persona.measures import Measurement
from persona.measures.stats import BOOTSTRAP_ITERATIONS, SEED

N_RANGE = (3, 5)


def _grams(text: str) -> Counter:
    text = " ".join(text.split())
    return Counter(text[i:i + n] for n in range(N_RANGE[0], N_RANGE[1] + 1) for i in range(len(text) - n + 1))


WINDOW = 160
"""Characters per scored window: a text is scored by the mean over its windows, so a long answer does not average
its way towards the centroid (the cosine of a whole text with a centroid grows with the text's length)."""


def _windows(text: str) -> list[str]:
    text = " ".join(text.split())
    pieces = [text[i:i + WINDOW] for i in range(0, len(text), WINDOW)] or [""]
    if len(pieces) > 1 and len(pieces[-1]) < WINDOW // 2:
        pieces[-2:] = [pieces[-2] + pieces[-1]]
    return pieces


class StyleProfile:
    """The person's character n-gram profile: the centroid of their writing's windows."""

    def __init__(self, writing: list[str]):
        docs = [_grams(w) for t in writing if t.strip() for w in _windows(t)]
        if not docs:
            raise ValueError("a style profile needs some of the person's writing")
        self.idf = {g: math.log((1 + len(docs)) / (1 + sum(g in d for d in docs))) + 1 for d in docs for g in d}
        self.unseen = math.log(1 + len(docs)) + 1
        total: Counter = Counter()
        for d in docs:
            for g, v in self._vector(d).items():
                total[g] += v
        norm = math.sqrt(sum(v * v for v in total.values()))
        self.centroid = {g: v / norm for g, v in total.items()}

    def _vector(self, grams: Counter) -> dict[str, float]:
        # n-grams the person never wrote weigh like their rarest: they pull a text away from the profile
        vec = {g: (1 + math.log(c)) * self.idf.get(g, self.unseen) for g, c in grams.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {g: v / norm for g, v in vec.items()} if norm else {}

    def score(self, text: str) -> float:
        """Mean cosine of the text's windows with the person's profile: 0 for nothing in common or no text."""
        scores = [sum(v * self.centroid.get(g, 0.0) for g, v in self._vector(_grams(w)).items())
                  for w in _windows(text)]
        return statistics.fmean(scores)


def gap_closed(tuned: list[float], base: list[float], ceiling: list[float]) -> float:
    """(tuned - base) / (ceiling - base) of the means; nan when the base model is already at the ceiling."""
    gap = statistics.fmean(ceiling) - statistics.fmean(base)
    return (statistics.fmean(tuned) - statistics.fmean(base)) / gap if gap > 0 else math.nan


def style_gap_closed(profile: StyleProfile, tuned: list[str], base: list[str], held_out: list[str]) -> Measurement:
    """Share of the base-to-person gap the fine-tune closes, over paired prompts, with a bootstrap interval.

    `tuned[i]` and `base[i]` answer the same prompt; `held_out` is the person's writing the profile never saw.
    """
    import random

    t, b, c = ([profile.score(x) for x in xs] for xs in (tuned, base, held_out))
    estimate = gap_closed(t, b, c)
    rng, pairs, draws = random.Random(SEED), list(zip(t, b)), []
    for _ in range(BOOTSTRAP_ITERATIONS):
        sample = [pairs[rng.randrange(len(pairs))] for _ in pairs]
        ceiling = [c[rng.randrange(len(c))] for _ in c]
        value = gap_closed([p[0] for p in sample], [p[1] for p in sample], ceiling)
        draws.append(value if not math.isnan(value) else -math.inf)
    draws.sort()
    low, high = draws[int(0.025 * (len(draws) - 1))], draws[int(0.975 * (len(draws) - 1))]
    return Measurement(estimate, low, high, len(pairs),
                       {"fine-tuned": statistics.fmean(t), "base": statistics.fmean(b), "person": statistics.fmean(c)},
                       f"profile similarity: fine-tuned {statistics.fmean(t):.3f}, base {statistics.fmean(b):.3f}, "
                       f"the person's held-out writing {statistics.fmean(c):.3f}")
