"""Text metrics: repetition, loss trend (the quality measures themselves: persona.measures)."""
from __future__ import annotations

import re
import statistics

_WORD = re.compile(r"[a-z0-9']+")


def repetition_ratio(text: str, n: int = 3) -> float:
    """Share of word n-grams that repeat an earlier one; 0 for varied text, near 1 for a loop."""
    words = _WORD.findall(text.lower())
    grams = [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


def loss_drop(losses: list[float], window: int = 3) -> float:
    """Relative fall from the mean of the first `window` logged losses to the mean of the last `window`.

    Averaging windows keeps batch-to-batch noise (which is all an lr=0 run shows) from passing as learning.
    """
    if len(losses) < 2:
        raise ValueError(f"need at least 2 logged losses to see a trend, got {len(losses)}")
    window = max(1, min(window, len(losses) // 2))
    first, last = statistics.fmean(losses[:window]), statistics.fmean(losses[-window:])
    return (first - last) / first if first else 0.0
