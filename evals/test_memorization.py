"""Exit criterion `memorization`: asked three training prompts again, the fine-tuned model answers close to
what it was trained on (rapidfuzz token_sort_ratio). On failure: ADJUST (more steps, another learning rate).

Threshold (persona.criteria): calibrated on smollm2-135m (docs/calibration.md), where the base model scores
0.25 against the trained answers and the fine-tune 0.43 (per prompt 0.17-0.63), so 0.35 tells "training took"
from "nothing learned". The tiny model has only its training data to say anything at all, so it is held to
near-verbatim recall (0.8): measured, a tiny run that learned scores 1.0 on all three, one cut short at loss
1.3 scores 0.0-0.4.
"""
from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from persona.data import load_jsonl
from persona.harness.answers import MAX_NEW_TOKENS, answer_all
from persona.metrics import similarity


pytestmark = [pytest.mark.cpu_smoke, pytest.mark.cpu_real, pytest.mark.gpu, pytest.mark.criterion("memorization")]
N_PROMPTS = 3


def pick_prompts(examples, n: int = N_PROMPTS):
    """One example per category in file order (style, fact, decision), so every rendering path is checked."""
    chosen = []
    for category in ("style", "fact", "decision"):
        chosen += [e for e in examples if e.category == category][:1]
    return (chosen + [e for e in examples if e not in chosen])[:n]


def test_memorization(pytestconfig, trained_model, criterion, transcript):
    examples = pick_prompts(load_jsonl(Path(pytestconfig.getoption("train_data"))))
    answers = answer_all(trained_model.model, trained_model.tokenizer, examples, max_new_tokens=MAX_NEW_TOKENS,
                         label="memorization prompts")
    scores = []
    for example, generation in zip(examples, answers):
        reference = example.messages[-1]["content"]
        score = similarity(generation.answer, reference)
        scores.append(score)
        transcript.append((f"memorization ({example.category}) {example.where}", example.messages[-2]["content"],
                           generation.text, f"similarity {score:.3f} to the trained answer: {reference}"))
    criterion.check(statistics.fmean(scores), detail=f"each: {', '.join(f'{s:.2f}' for s in scores)}")
