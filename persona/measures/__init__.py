"""The quality measures: pure functions over generated answers, each with its controls and a 95% interval.

Every measure returns a `Measurement`; the evals (evals/) only hand it to `criterion.check`, which passes it
when the whole interval clears the bar, fails it when the whole interval misses, and calls it undecided
otherwise. Controls are measured on the same prompts in the same run: the base model's answers, a shuffled
pairing (each answer against other prompts' references) and, where one applies, the person's own held-out
writing as the ceiling. docs/calibration.md has the measured separation behind each bar.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Measurement:
    """One criterion's measured value with its uncertainty and its controls."""
    estimate: float
    """The point estimate compared with the bar."""
    low: float
    """Lower end of the 95% interval."""
    high: float
    """Upper end of the 95% interval."""
    n: int
    """Units of evidence: prompts, answers or facts."""
    controls: dict[str, float] = field(default_factory=dict)
    """What the same measure gave for each control (base, shuffled, ceiling, ...), for the record."""
    detail: str = ""
    """A line for the failure message and the report (which items failed, per-part figures)."""
