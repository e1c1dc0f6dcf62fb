"""Context compression: older turns become one "Previous context: …" system message.

The seed's shape: for a conversation [turn 1 Q/A, turn 2 Q/A, turn 3 Q/A, question], the turns older
than the last `keep_last` exchanges are summarized and the model sees

    [system "Previous context: {summary}", *kept turns, current question]

A summarizer is any `Callable[[list[dict]], str]` taking the messages to fold away. Two are built in:
`persona.extractive.extractive_summarizer` (no model: keeps the fact-carrying sentences within a token
budget) and `model_summarizer` (the persona or any model, thinking disabled). Token counts use the tokenizer of
the model in use, over the Qwen3 chat text that model actually reads.

    from persona.compress import compress
    from persona.extractive import extractive_summarizer
    result = compress(messages, extractive_summarizer(tok), tok, keep_last=1)
    result.messages, result.compression_ratio
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from persona.data import ROLES

Summarizer = Callable[[list[dict]], str]
PREFIX = "Previous context: "

SUMMARY_PROMPT = (
    "Summarize the conversation below for someone who will continue it. Keep every name, number, "
    "date, version, place and decision exactly as written, and who said it. Keep facts about "
    "different things apart: never merge two ports, dates or versions into one. Write short plain "
    "sentences, no preamble, no bullet headers."
)
"""System prompt of the model summarizer."""


@dataclass
class Compressed:
    messages: list[dict]
    """The compressed conversation: [system "Previous context: …"], kept turns, current question."""
    summary: str
    """Text of the summary (without the prefix); empty when nothing was compressed."""
    original_tokens: int
    """Tokens of the original conversation in the model's chat format."""
    compressed_tokens: int
    """Tokens of `messages` in the same format."""
    n_summarized: int
    """How many original messages the summary replaced."""

    @property
    def compression_ratio(self) -> float:
        """1 - compressed/original tokens: 0.6 means 60% fewer tokens; negative means it grew."""
        return 1.0 - self.compressed_tokens / self.original_tokens if self.original_tokens else 0.0

    def to_json(self) -> dict:
        return {"original_tokens": self.original_tokens, "compressed_tokens": self.compressed_tokens,
                "ratio": round(self.compression_ratio, 4), "n_summarized": self.n_summarized,
                "summary": self.summary, "messages": self.messages}


def validate_messages(messages, where: str = "messages") -> list[str]:
    """Every problem with a conversation, each naming its place; empty when it is fine.

    Rule: optional system messages first, then user and assistant alternating, starting with user.
    """
    if not isinstance(messages, list) or not messages:
        return [f"{where}: expected a non-empty list of messages"]
    issues, expected, seen_turn = [], "user", False
    for i, message in enumerate(messages):
        place = f"{where}[{i}]"
        if not isinstance(message, dict):
            issues.append(f"{place}: expected an object with role and content")
            continue
        role, content = message.get("role"), message.get("content")
        if role not in ROLES:
            issues.append(f"{place}: role {role!r} is not one of {', '.join(ROLES)}")
            continue
        if not isinstance(content, str):
            issues.append(f"{place}: content must be a string")
        if role == "system":
            if seen_turn and not str(content or "").startswith(PREFIX):
                issues.append(f"{place}: system message after the conversation started")
            continue
        seen_turn = True
        if role != expected:
            issues.append(f"{place}: {role} message out of order (expected {expected}; roles must "
                          f"alternate user, assistant, starting with user)")
        expected = "assistant" if role == "user" else "user"
    return issues


def count_tokens(messages: list[dict], tokenizer) -> int:
    """Tokens the model reads for these messages, chat markers included."""
    from persona.chat import format_conversation

    text = format_conversation(messages)
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


def split_for_compression(messages: list[dict], keep_last: int) -> tuple[list[dict], list[dict], list[dict]]:
    """(leading system messages, messages to summarize, messages to keep).

    Kept: the last `keep_last` user/assistant exchanges plus a trailing unanswered question. A
    previous "Previous context" message is summarized again with the turns after it.
    """
    if keep_last < 0:
        raise ValueError(f"keep_last must be >= 0, got {keep_last}")
    head = []
    for message in messages:
        if message["role"] != "system" or message["content"].startswith(PREFIX):
            break
        head.append(message)
    body = messages[len(head):]
    tail_start = len(body) - 1 if body and body[-1]["role"] == "user" else len(body)
    user_starts = [i for i, m in enumerate(body[:tail_start]) if m["role"] == "user"]
    if keep_last == 0:
        cut = tail_start
    elif len(user_starts) > keep_last:
        cut = user_starts[-keep_last]
    else:
        cut = 0
    return head, body[:cut], body[cut:]


def compress(messages: list[dict], summarizer: Summarizer, tokenizer, *, keep_last: int = 1,
             budget_tokens: int | None = None) -> Compressed:
    """Fold the turns older than the last `keep_last` exchanges into one system message.

    With `budget_tokens`, a conversation already within budget is returned unchanged. The summary
    never carries a think trace, whatever the summarizer returned.
    """
    issues = validate_messages(messages)
    if issues:
        raise ValueError("\n".join(issues))
    original = count_tokens(messages, tokenizer)
    head, old, kept = split_for_compression(messages, keep_last)
    if not old or (budget_tokens is not None and original <= budget_tokens):
        return Compressed(list(messages), "", original, original, 0)
    summary = strip_think(summarizer(old)).strip()
    # Qwen3 reads one system message at the top: an existing system prompt absorbs the summary.
    context = f"{PREFIX}{summary}"
    if head:
        system = {"role": "system", "content": "\n\n".join([*(m["content"] for m in head), context])}
    else:
        system = {"role": "system", "content": context}
    new_messages = [system, *kept]
    return Compressed(new_messages, summary, original, count_tokens(new_messages, tokenizer), len(old))


THINK_MARKERS = ("<think>", "</think>")
"""No summary may contain either."""
THINK_BLOCK = re.compile(r"<think>.*?</think>\s*", re.S)
def strip_think(text: str) -> str:
    """Text without think traces: closed blocks, a block pre-filled by the prompt, an unclosed one."""
    text = THINK_BLOCK.sub("", text or "")
    if "</think>" in text:
        text = text.split("</think>", 1)[1]
    return text.split("<think>", 1)[0].strip()


def transcript(messages: list[dict]) -> str:
    """'role: content' lines, think traces removed: the text a summarizer reads."""
    return "\n".join(f"{m['role']}: {strip_think(m['content'])}" for m in messages)


@dataclass
class ModelSummarizerConfig:
    max_new_tokens: int = 160
    """Longest summary the model may write."""
    system_prompt: str = SUMMARY_PROMPT
    """Instruction given to the model; it asks to keep names, numbers, dates, versions, decisions."""


def model_summarizer(model, tokenizer, config: ModelSummarizerConfig | None = None) -> Summarizer:
    """Summarizer backed by a model (the persona or any other), thinking disabled."""
    config = config or ModelSummarizerConfig()

    def summarize(old: list[dict]) -> str:
        from persona.infer import generate

        prompt = [{"role": "system", "content": config.system_prompt},
                  {"role": "user", "content": "Conversation:\n" + transcript(old)}]
        [generation] = generate(model, tokenizer, [prompt], thinking=False,
                                max_new_tokens=config.max_new_tokens, batch_size=1)
        return strip_think(generation.answer or generation.text)

    return summarize


def resolve_summarizer(name: str, tokenizer, model=None) -> Summarizer:
    """'extractive', 'model' (needs `model`) or an import path 'module:function' to a summarizer."""
    if name == "extractive":
        from persona.extractive import extractive_summarizer

        return extractive_summarizer(tokenizer)
    if name == "model":
        if model is None:
            raise ValueError("summarizer 'model' needs a model; pass --model")
        return model_summarizer(model, tokenizer)
    if not re.fullmatch(r"[\w.]+:\w+", name):
        raise ValueError(f"summarizer {name!r}: expected extractive, model or module:function")
    import importlib

    module_name, function_name = name.split(":")
    function = getattr(importlib.import_module(module_name), function_name, None)
    if not callable(function):
        raise ValueError(f"summarizer {name!r}: {module_name} has no callable {function_name}")
    return function
