"""Qwen3 formatting: pinned renderings per category, labels on exactly the final assistant span, no example
lost to masking, generation prompts with thinking on and off, output parsing, and the think-tag helpers."""
from __future__ import annotations

import pytest

from persona.chat import (IGNORE_INDEX, format_conversation, parse_output, prompt_messages, render, split_leading_think,
                          strip_think)
from persona.data import load_jsonl
from tests.helpers import ROOT

USER = {"role": "user", "content": "Ship it?"}
PINNED = {
    "style": ([USER, {"role": "assistant", "content": "yep. ship it"}],
              "<|im_start|>user\nShip it?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"
              "yep. ship it<|im_end|>\n"),
    "fact": ([{"role": "system", "content": "You are Dara."}, USER, {"role": "assistant", "content": "I'm Dara."}],
             "<|im_start|>system\nYou are Dara.<|im_end|>\n<|im_start|>user\nShip it?<|im_end|>\n"
             "<|im_start|>assistant\n<think>\n\n</think>\n\nI'm Dara.<|im_end|>\n"),
    "decision": ([USER, {"role": "assistant", "content": "No.", "reasoning_content": "Friday deploys bite."}],
                 "<|im_start|>user\nShip it?<|im_end|>\n<|im_start|>assistant\n<think>\nFriday deploys bite.\n"
                 "</think>\n\nNo.<|im_end|>\n"),
    "two-turn history has no think block": (
        [USER, {"role": "assistant", "content": "which one?"}, {"role": "user", "content": "the hotfix"},
         {"role": "assistant", "content": "Yes.", "reasoning_content": "Small diff."}],
        "<|im_start|>user\nShip it?<|im_end|>\n<|im_start|>assistant\nwhich one?<|im_end|>\n"
        "<|im_start|>user\nthe hotfix<|im_end|>\n<|im_start|>assistant\n<think>\nSmall diff.\n</think>\n\n"
        "Yes.<|im_end|>\n"),
}


@pytest.fixture(scope="module")
def qwen():
    from persona.tokenizer import qwen3_tokenizer

    return qwen3_tokenizer()


@pytest.mark.parametrize("name", PINNED)
def test_rendered_text_is_pinned(name, qwen):
    messages, expected = PINNED[name]
    assert render(messages, qwen).text == expected


@pytest.mark.parametrize("name", PINNED)
def test_labels_cover_exactly_the_final_assistant_span(name, qwen):
    messages, _ = PINNED[name]
    rendered = render(messages, qwen)
    trained = [t for t, label in zip(rendered.input_ids, rendered.labels) if label != IGNORE_INDEX]
    assert all(label in (IGNORE_INDEX, t) for t, label in zip(rendered.input_ids, rendered.labels))
    final = messages[-1]
    body = qwen.decode(trained)
    assert body.endswith(final["content"] + "<|im_end|>"), body
    assert body.startswith("<think>\n"), "the think block is trained on, the role header is not"
    first = rendered.labels.index(next(label for label in rendered.labels if label != IGNORE_INDEX))
    assert qwen.decode(rendered.input_ids[:first]).endswith("<|im_start|>assistant\n")
    assert rendered.labels[first:] == rendered.input_ids[first:len(rendered.labels) - 1] + [IGNORE_INDEX], \
        "labels are one contiguous span ending on <|im_end|>; the trailing newline is not trained"


def test_no_toy_example_is_dropped_by_masking(qwen):
    examples = load_jsonl(ROOT / "data/toy/train.jsonl", ROOT / "data/toy/test.jsonl")
    counts = [render(e.messages, qwen, max_length=2048).n_label_tokens for e in examples]
    assert len(counts) == 60 and min(counts) > 0


def test_truncation_that_would_drop_the_answer_is_an_error(qwen):
    messages = [{"role": "user", "content": "word " * 300}, {"role": "assistant", "content": "ok"}]
    with pytest.raises(ValueError, match="nothing left to train on"):
        render(messages, qwen, max_length=64)
    assert render(messages, qwen, max_length=400).n_label_tokens > 0


@pytest.mark.parametrize("thinking,tail", [(True, "<|im_start|>assistant\n"),
                                           (False, "<|im_start|>assistant\n<think>\n\n</think>\n\n")])
def test_generation_prompt(thinking, tail):
    text = format_conversation([USER], add_generation_prompt=True, thinking=thinking)
    assert text == "<|im_start|>user\nShip it?<|im_end|>\n" + tail


@pytest.mark.parametrize("generated,reasoning,answer", [
    ("<think>\nweigh\n</think>\n\nNo.<|im_end|>", "weigh", "No."),
    ("No.<|im_end|><|endoftext|>", "", "No."),
    ("weigh</think>\n\nNo.", "weigh", "No."),
    ("<think>\nstill thinking when cut off", "still thinking when cut off", ""),
])
def test_parse_output(generated, reasoning, answer):
    parsed = parse_output(generated)
    assert (parsed.reasoning, parsed.answer) == (reasoning, answer)


THINK_CASES = [
    ("closed", "<think>\nthe port is 9090?\n</think>\n\nPort 8443.", "Port 8443."),
    ("prefilled", "hmm 9090\n</think>\n\nPort 8443.", "Port 8443."),
    ("unclosed", "Port 8443. <think> maybe 9090", "Port 8443."),
    ("none", "Port 8443.", "Port 8443."),
]


@pytest.mark.parametrize("name,raw,clean", THINK_CASES, ids=[c[0] for c in THINK_CASES])
def test_strip_think(name, raw, clean):
    assert strip_think(raw) == clean


LEADING_CASES = [
    ("leading", "  <think>\nweigh it\n</think>\n\nShip it.", ("weigh it", "Ship it.")),
    ("not-leading", "Ship it. <think>weigh</think>", None),
    ("nested", "<think>a <think>b</think> c</think>Ship it.", None),
    ("unclosed", "<think>weigh it", None),
]


@pytest.mark.parametrize("name,text,split", LEADING_CASES, ids=[c[0] for c in LEADING_CASES])
def test_split_leading_think(name, text, split):
    assert split_leading_think(text) == split


def test_prompt_messages_drop_the_answer_and_reasoning():
    messages, _ = PINNED["decision"]
    assert prompt_messages(messages) == [USER]
