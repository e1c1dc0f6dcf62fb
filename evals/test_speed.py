"""Inference and training speed: what the seed lists among what Phase 0a must learn, recorded, not judged (no
criterion: the plan sets no speed bar, and a stand-in's speed says nothing about the plan's model).

- batch 1: the fine-tuned model answers BATCH1_PROMPTS held-out prompts one at a time, thinking on and off,
  BATCH1_TOKENS new tokens at most; pytest-benchmark times ROUNDS rounds (mean, spread, min, max);
- the suite's batch: the answer book's own generation passes of the fine-tuned model (nothing generated again);
- training: statistics of the logged seconds per optimizer step (pytest-benchmark's Stats).

All three go into decision.json under figures["speed"] and into the report. Under `--persona-answers FILE` nothing is
generated, so there is no speed to measure.
"""
from __future__ import annotations

import pytest

from persona.infer import generate

pytestmark = pytest.mark.figure("speed", kinds=("real",))

BATCH1_PROMPTS = 2
BATCH1_TOKENS = 48
ROUNDS = 3


def _timings(stats) -> dict:
    return {name: round(getattr(stats, name), 4) for name in ("mean", "stddev", "min", "max", "median")} | {
        "rounds": stats.rounds}


@pytest.fixture(scope="module")
def speed(run_figures, pytestconfig) -> dict:
    if pytestconfig.getoption("persona_answers"):
        pytest.skip("not measured: the answers were read from a file, nothing was generated")
    return run_figures.setdefault("speed", {})


@pytest.mark.parametrize("thinking", [False, True], ids=["thinking-off", "thinking-on"])
def test_batch1_tokens_per_second(benchmark, speed, trained_model, test_prompts, thinking):
    prompts = [p.messages for p in test_prompts[:BATCH1_PROMPTS]]

    def answer_one_at_a_time() -> int:
        stats: list = []
        generate(trained_model.model, trained_model.tokenizer, prompts, thinking=thinking,
                 max_new_tokens=BATCH1_TOKENS, batch_size=1, stats=stats, label="speed, batch 1")
        return sum(s.new_tokens for s in stats)

    tokens = benchmark.pedantic(answer_one_at_a_time, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    assert tokens > 0, "the fine-tuned model generated no token"
    timings = _timings(benchmark.stats.stats)
    speed[f"batch1_thinking_{'on' if thinking else 'off'}"] = {
        "prompts": len(prompts), "new_tokens": tokens, "tokens_per_second": round(tokens / timings["mean"], 1),
        "seconds": timings}


def test_suite_batch_tokens_per_second(speed, answer_book, test_prompts):
    answer_book.get(test_prompts)  # generated already when the quality evals ran; shared, never generated twice
    passes = [row for row in answer_book.throughput if row["model"] == "fine-tuned"]
    assert passes, "the answer book recorded no generation pass of the fine-tuned model"
    for on in (False, True):
        mine = [row for row in passes if row["thinking"] is on]
        if not mine:
            continue
        tokens, seconds = sum(r["new_tokens"] for r in mine), sum(r["seconds"] for r in mine)
        speed[f"suite_batch_thinking_{'on' if on else 'off'}"] = {
            "batch": max(r["batch"] for r in mine), "prompts": sum(r["prompts"] for r in mine),
            "new_tokens": tokens, "seconds": round(seconds, 2),
            "tokens_per_second": round(tokens / seconds, 1) if seconds else 0.0}
    assert any(key.startswith("suite_batch") for key in speed)


def test_training_step_statistics(speed, training):
    from pytest_benchmark.stats import Stats

    if training.result is None:
        pytest.skip("not measured: training did not complete (see train-completes)")
    steps = [row["seconds_per_step"] for row in training.result.log if row.get("seconds_per_step")]
    if not steps:
        pytest.skip("not measured: the training log holds no step timings")
    stats = Stats()
    for seconds in steps:
        stats.update(seconds)
    speed["train_seconds_per_step"] = _timings(stats) | {"logged_intervals": len(steps)}
    assert stats.mean > 0
