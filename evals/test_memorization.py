"""Exit criterion `memorization`: asked every training prompt again, the fine-tuned model answers closer to what
it was trained on for *that* prompt than to the other prompts' answers, and by more than the base model does.
On failure: ADJUST (more steps, another learning rate).

Measured (persona.measures.quality.memorization) over all training prompts, asked with thinking off so the
answer is compared with the trained answer: the paired margin own - shuffled (the share of the prompt's own
trained answer's content words the answer uses, minus the mean share of every other prompt's), and that
margin's gain over the base model's on the same prompts. A constant answer, or another prompt's answer, has no margin. Each
is decided on its 95% bootstrap interval. Bars: persona.criteria (docs/calibration.md has the distributions).
"""
from __future__ import annotations

import pytest

from persona.measures import quality

pytestmark = pytest.mark.criterion("memorization")


def test_memorization(train_prompts, answer_book, criterion, transcript):
    tuned = answer_book.get(train_prompts)
    base = answer_book.get(train_prompts, "base")
    for prompt, answer in list(zip(train_prompts, tuned))[:3]:
        transcript.append((f"memorization {prompt.id}", prompt.asked, answer.answer,
                           f"trained answer: {prompt.reference}"))
    measured = quality.memorization(train_prompts, tuned, base)
    criterion.judge(measured["margin"], "margin")
    criterion.judge(measured["gain_over_base"], "gain_over_base")
