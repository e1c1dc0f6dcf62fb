"""Shared generations for the quality criteria: each prompt is generated once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from persona.chat import prompt_messages
from persona.data import DataError, load_jsonl
from persona.infer import generate
from persona.models import load
from persona.vram import free_cuda


def thinking_for(example) -> bool:
    """Decision prompts are asked with thinking on, style and fact prompts with it off, as trained."""
    return example.category == "decision"


def answer_all(model, tokenizer, examples, *, max_new_tokens: int, label: str = "answers") -> list:
    """Generate for each example, each with its own thinking mode, in shared batches (one decode pass for up to
    16 prompts: on CPU a pass costs about the same for 5 prompts as for 16)."""
    return generate(model, tokenizer, [prompt_messages(e.messages) for e in examples],
                    thinking=[thinking_for(e) for e in examples], max_new_tokens=max_new_tokens, batch_size=16,
                    label=label)


@pytest.fixture(scope="session")
def test_examples(pytestconfig):
    try:
        return load_jsonl(Path(pytestconfig.getoption("test_data")))
    except DataError as err:
        pytest.skip(f"not evaluated: the test data is invalid ({len(err.problems)} problems)")


MAX_NEW_TOKENS = 384
"""Room for a decision's reasoning and its answer: 1.7x the longest toy answer with its reasoning (230
smollm2-135m tokens, fewer in Qwen3's). Calibrated with this budget (docs/calibration.md)."""


@pytest.fixture(scope="session")
def test_answers(trained_model, test_examples, transcript):
    """The fine-tuned model's answers to the held-out prompts."""
    answers = answer_all(trained_model.model, trained_model.tokenizer, test_examples, max_new_tokens=MAX_NEW_TOKENS,
                         label="test answers, fine-tuned")
    for example, generation in zip(test_examples, answers):
        reference = example.messages[-1]["content"]
        transcript.append((f"test set ({example.category}) {example.where}",
                           example.messages[-2]["content"],
                           (f"[thinking] {generation.reasoning}\n" if generation.reasoning else "") + generation.answer,
                           f"reference: {reference}"))
    return answers


@pytest.fixture(scope="session")
def base_answers(request, trained_model, test_examples):
    """The same prompts answered by the base model (adapter disabled): the bar the fine-tune must beat."""
    if request.config.getoption("baseline"):  # the evaluated model is the base model already
        return request.getfixturevalue("test_answers")
    base = load(trained_model.result.source)
    try:
        return answer_all(base.model, base.tokenizer, test_examples, max_new_tokens=MAX_NEW_TOKENS,
                          label="test answers, base model")
    finally:
        del base
        free_cuda()
