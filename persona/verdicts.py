"""The verdicts, their exit codes, and the seed's judgement items that no run measures."""
from __future__ import annotations

PROCEED, ADJUST, PIVOT, INCOMPLETE = "PROCEED", "ADJUST", "PIVOT", "INCOMPLETE"
EXIT_CODES = {PROCEED: 0, ADJUST: 10, PIVOT: 11, INCOMPLETE: 12}
"""Exit status of `persona evaluate` and `persona decide` per verdict; 2 is bad input, 130 Ctrl-C."""
EXIT_BAD_INPUT = 2
NOT_RUN = "not run: no test of it was selected in this session"
UNDECIDED = "undecided:"
"""How a skip reason starts when a measure's interval straddles its bar: more prompts would settle it."""

YOUR_CALL = (
    ("PROCEED if", "No showstoppers discovered"),
    ("Proceed to full build if", "No major architectural flaws discovered"),
    ("PIVOT if", "Fundamental architecture flaw"),
    ("PIVOT if", "Would take >12 weeks for full project"),
    ("Review", "Time: realistic for full project?"),
)
"""The seed's decision-tree items that are judgements, not measurements: (where the seed lists it, its words).
The decision shows them as the user's call, beside what the run measured (the full-project estimate)."""
