"""Intervals for the quality measures: Wilson for shares, a seeded percentile bootstrap for everything else.

A criterion is decided on its 95% interval, not its point estimate (persona.harness.criterion): with ten
prompts a share of 0.4 is anything from 0.17 to 0.69, and one answer must not flip the verdict.
"""
from __future__ import annotations

import math
import random
import statistics
from typing import Callable, Sequence

Z95 = 1.959964
BOOTSTRAP_ITERATIONS = 2000
SEED = 3407
"""The bootstrap is seeded so that the same answers always give the same interval."""


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a share successes/n; (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def bootstrap(samples: Sequence, statistic: Callable[[list], float], *, iterations: int = BOOTSTRAP_ITERATIONS,
              seed: int = SEED) -> tuple[float, float]:
    """95% percentile interval of `statistic` over resamples (with replacement) of `samples`.

    Samples are whatever one unit of evidence is: a number, or a tuple of a prompt's paired scores (the
    fine-tune's and the control's on the same prompt), so the interval is of a paired comparison.
    """
    if not samples:
        return -math.inf, math.inf
    rng = random.Random(seed)
    n = len(samples)
    values = sorted(statistic([samples[rng.randrange(n)] for _ in range(n)]) for _ in range(iterations))
    return values[int(0.025 * (iterations - 1))], values[int(0.975 * (iterations - 1))]


def mean_interval(values: Sequence[float]) -> tuple[float, float]:
    """Bootstrap interval of a mean (of per-prompt scores or of paired differences)."""
    return bootstrap(list(values), statistics.fmean)
