"""Context compression: older turns become one "Previous context: …" system message.

The seed's shape: for a conversation [turn 1 Q/A, turn 2 Q/A, turn 3 Q/A, question], the turns older
than the last `keep_last` exchanges are summarized and the model sees

    [system "Previous context: {summary}", *kept turns, current question]

A summarizer is any `Callable[[list[dict]], str]` taking the messages to fold away; one that also
takes `budget_tokens` is told how many tokens its summary may use: `budget_ratio` of the tokens of
the turns it replaces (never under MIN_SUMMARY_TOKENS). The built-in ones (ledger, extractive, model,
hybrid) are in persona.compression.summarizers. Token counts use the tokenizer of the model in use, over the
Qwen3 chat text that model actually reads.

    from persona.compression.compress import compress
    from persona.compression.summarizers import resolve_summarizer
    result = compress(messages, resolve_summarizer("ledger", tok), tok, keep_last=1, budget_ratio=0.15)
    result.messages, result.compression_ratio
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

from persona.chat import format_conversation, strip_think
from persona.messages import PREFIX, validate_messages

Summarizer = Callable[[list[dict]], str]

SUMMARY_PROMPT = (
    "Summarize the conversation below for someone who will continue it. Keep every name, number, "
    "date, version, place and decision exactly as written, and who said it. Keep facts about "
    "different things apart: never merge two ports, dates or versions into one. Write short plain "
    "sentences, no preamble, no bullet headers."
)
"""System prompt of the model summarizer."""
BUDGET_RATIO = 0.15
"""Default share of the summarized turns' tokens a summary may use. For the ledger, what must stay
already exceeds it almost everywhere: 0.05-0.15 give the same summaries, 0.2 adds tokens for no fact
(docs/benchmarks.md)."""
MIN_SUMMARY_TOKENS = 40
"""Floor of a summary's budget, so a model summarizer still has a few sentences. The extractive
strategies keep the first turns and a line per turn whatever the budget (persona.compression.extractive); on
the tuning half a floor of 80, 40 or 0 tokens kept the same facts, and a lower floor cuts more
of a short conversation (docs/benchmarks.md)."""

KNEE_TOKENS = 1000
"""Summarized tokens past which the budget grows at `TAIL_RATIO` instead of the budget ratio. On the
tuning halves 1000 / 1500 / 2000 cut the 80+ message conversations 96.0 / 95.6 / 94.7%, the same facts
kept (docs/benchmarks.md)."""
TAIL_RATIO = 0.0
"""Share of the summarized tokens past `KNEE_TOKENS` a summary may use: none. What must stay (the first
turns, corrections, a line for each later turn bringing a value) still grows with the conversation;
0.01 cut 0.6 points less for no fact."""


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


def count_tokens(messages: list[dict], tokenizer) -> int:
    """Tokens the model reads for these messages, chat markers included."""
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
             budget_tokens: int | None = None, budget_ratio: float = BUDGET_RATIO) -> Compressed:
    """Fold the turns older than the last `keep_last` exchanges into one system message.

    With `budget_tokens`, a conversation already within budget is returned unchanged. A summarizer
    that takes `budget_tokens` gets `summary_budget` of the turns it replaces. The summary never carries a think trace,
    whatever the summarizer returned.
    """
    issues = validate_messages(messages)
    if not 0 < budget_ratio <= 1:
        issues.append(f"budget_ratio must be in (0, 1], got {budget_ratio}")
    if issues:
        raise ValueError("\n".join(issues))
    original = count_tokens(messages, tokenizer)
    head, old, kept = split_for_compression(messages, keep_last)
    if not old or (budget_tokens is not None and original <= budget_tokens):
        return Compressed(list(messages), "", original, original, 0)
    if "budget_tokens" in inspect.signature(summarizer).parameters:
        raw = summarizer(old, budget_tokens=summary_budget(count_tokens(old, tokenizer), budget_ratio))
    else:
        raw = summarizer(old)
    summary = strip_think(raw).strip()
    new_messages = _with_summary(head, kept, summary)
    return Compressed(new_messages, summary, original, count_tokens(new_messages, tokenizer), len(old))


def summary_budget(old_tokens: int, budget_ratio: float = BUDGET_RATIO, min_tokens: int = MIN_SUMMARY_TOKENS,
                   knee_tokens: int = KNEE_TOKENS, tail_ratio: float = TAIL_RATIO) -> int:
    """Tokens a summary may use: `budget_ratio` of the first `knee_tokens` of the turns it replaces and
    `tail_ratio` of the rest, at least `min_tokens`. It grows slower than the conversation: most old
    turns of a long one say nothing a later question needs."""
    head = min(old_tokens, knee_tokens)
    return max(min_tokens, int(budget_ratio * head + tail_ratio * (old_tokens - head)))


def _with_summary(head: list[dict], kept: list[dict], summary: str) -> list[dict]:
    # Qwen3 reads one system message at the top: an existing system prompt absorbs the summary.
    context = f"{PREFIX}{summary}"
    if head:
        system = {"role": "system", "content": "\n\n".join([*(m["content"] for m in head), context])}
    else:
        system = {"role": "system", "content": context}
    return [system, *kept]


def transcript(messages: list[dict]) -> str:
    """'role: content' lines, think traces removed: the text a summarizer reads."""
    return "\n".join(f"{m['role']}: {strip_think(m['content'])}" for m in messages)
