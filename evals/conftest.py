"""Shared generations for the quality criteria: each prompt is generated once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from persona.chat import prompt_messages
from persona.data import DataError, load_jsonl


def thinking_for(example) -> bool:
    """Decision prompts are asked with thinking on, style and fact prompts with it off, as trained."""
    return example.category == "decision"


def answer_all(model, tokenizer, examples, *, max_new_tokens: int) -> list:
    """Generate for each example (grouped by thinking mode so each batch shares a prompt format)."""
    from persona.infer import generate

    answers = [None] * len(examples)
    for thinking in (False, True):
        index = [i for i, e in enumerate(examples) if thinking_for(e) == thinking]
        out = generate(model, tokenizer, [prompt_messages(examples[i].messages) for i in index], thinking=thinking,
                       max_new_tokens=max_new_tokens, batch_size=16)
        for i, generation in zip(index, out):
            answers[i] = generation
    return answers


@pytest.fixture(scope="session")
def test_examples(pytestconfig):
    try:
        return load_jsonl(Path(pytestconfig.getoption("test_data")))
    except DataError as err:
        pytest.skip(f"not evaluated: the test data is invalid ({len(err.problems)} problems)")


MAX_NEW_TOKENS = 512
"""Room for a decision's reasoning and its answer."""


@pytest.fixture(scope="session")
def test_answers(trained_model, test_examples, transcript):
    """The fine-tuned model's answers to the held-out prompts."""
    answers = answer_all(trained_model.model, trained_model.tokenizer, test_examples, max_new_tokens=MAX_NEW_TOKENS)
    for example, generation in zip(test_examples, answers):
        reference = example.messages[-1]["content"]
        transcript.append((f"test set ({example.category}) {example.where}",
                           example.messages[-2]["content"],
                           (f"[thinking] {generation.reasoning}\n" if generation.reasoning else "") + generation.answer,
                           f"reference: {reference}"))
    return answers


@pytest.fixture(scope="session")
def base_answers(trained_model, test_examples):
    """The same prompts answered by the base model (adapter disabled): the bar the fine-tune must beat."""
    from persona.models import load
    from persona.vram import free_cuda

    base = load(trained_model.result.source.spec)
    try:
        return answer_all(base.model, base.tokenizer, test_examples, max_new_tokens=MAX_NEW_TOKENS)
    finally:
        del base
        free_cuda()
