"""Qwen3 chat format: rendering with <think> blocks, assistant-only labels, parsing model output, and the
think-tag helpers every other module uses (find, strip or split a think block).

Rendering follows Qwen3's own chat template: the final assistant turn always carries a think block
(`<think>\\n{reasoning}\\n</think>\\n\\n{answer}`, empty for style and fact examples), earlier
assistant turns are history and carry none. Labels cover the final assistant turn only — its think
block, answer and `<|im_end|>` — because training on history turns (which have no think block) would
teach the model to skip `<think>`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

IM_START, IM_END = "<|im_start|>", "<|im_end|>"
THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
THINK_MARKERS = (THINK_OPEN, THINK_CLOSE)
"""Both think tags; no summary may contain either."""
EMPTY_THINK = f"{THINK_OPEN}\n\n{THINK_CLOSE}\n\n"
_THINK_BLOCK = re.compile(rf"{THINK_OPEN}.*?{THINK_CLOSE}\s*", re.DOTALL)
_LEADING_THINK = re.compile(rf"^\s*{THINK_OPEN}(.*?){THINK_CLOSE}\s*", re.DOTALL)
IGNORE_INDEX = -100
"""Label value that the loss ignores (transformers' convention)."""


@dataclass
class Rendered:
    text: str
    """The whole example in Qwen3 chat format."""
    input_ids: list[int]
    labels: list[int]
    """input_ids on the final assistant span, IGNORE_INDEX elsewhere."""
    label_span: tuple[int, int]
    """Character span of `text` that is trained on."""

    @property
    def n_label_tokens(self) -> int:
        return sum(label != IGNORE_INDEX for label in self.labels)


def _assistant_body(message: dict, with_think: bool) -> str:
    content = message["content"].lstrip("\n")
    if not with_think:
        return content
    reasoning = (message.get("reasoning_content") or "").strip("\n")
    return f"{THINK_OPEN}\n{reasoning}\n{THINK_CLOSE}\n\n{content}"


def _segments(messages: list[dict]) -> list[tuple[str, bool]]:
    """(text, is_trained) pieces of a conversation that ends with the assistant turn to train on."""
    last_user = max((i for i, m in enumerate(messages) if m["role"] == "user"), default=-1)
    pieces = []
    for i, message in enumerate(messages):
        role = message["role"]
        if role != "assistant":
            pieces.append((f"{IM_START}{role}\n{message['content']}{IM_END}\n", False))
            continue
        final = i == len(messages) - 1
        body = _assistant_body(message, with_think=i > last_user)
        pieces.append((f"{IM_START}assistant\n", False))
        pieces.append((f"{body}{IM_END}", final))
        pieces.append(("\n", False))
    return pieces


def format_conversation(messages: list[dict], *, add_generation_prompt: bool = False,
                        thinking: bool | None = None) -> str:
    """Messages as Qwen3 chat text; with a generation prompt, `thinking=False` pre-fills an empty think block."""
    text = "".join(piece for piece, _ in _segments(messages))
    if add_generation_prompt:
        text += f"{IM_START}assistant\n"
        if thinking is False:
            text += EMPTY_THINK
    return text


def render(messages: list[dict], tokenizer, max_length: int | None = None) -> Rendered:
    """Tokenize a training conversation; labels cover exactly the final assistant span.

    Raises ValueError when truncation to max_length would leave nothing to train on, so that no
    example is silently dropped by masking.
    """
    if not messages or messages[-1]["role"] != "assistant":
        raise ValueError("a training conversation must end with an assistant message")
    pieces = _segments(messages)
    text, start = "", 0
    for piece, trained in pieces:
        if trained:
            start = len(text)
            span = (start, start + len(piece))
        text += piece
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = list(encoding["input_ids"])
    labels = [tid if span[0] <= begin < span[1] else IGNORE_INDEX
              for tid, (begin, _end) in zip(ids, encoding["offset_mapping"])]
    if max_length is not None and len(ids) > max_length:
        ids, labels = ids[:max_length], labels[:max_length]
    rendered = Rendered(text, ids, labels, span)
    if rendered.n_label_tokens == 0:
        raise ValueError(f"the answer starts after token {max_length}: nothing left to train on "
                         f"(raise max_seq_length or shorten the example)")
    return rendered


@dataclass
class Parsed:
    reasoning: str
    """Text inside <think>...</think>, stripped; empty when the model did not think."""
    answer: str
    """Text after the think block, without end-of-turn tokens."""


def parse_output(text: str) -> Parsed:
    """Split generated text into reasoning and answer.

    Handles a think block opened by the model, one pre-filled by the prompt (only `</think>` seen),
    and a block never closed (all of it is reasoning, the answer is empty).
    """
    for stop in (IM_END, "<|endoftext|>"):
        text = text.split(stop, 1)[0]
    if THINK_CLOSE in text:
        reasoning, answer = text.split(THINK_CLOSE, 1)
        reasoning = reasoning.split(THINK_OPEN, 1)[-1]
    elif text.lstrip().startswith(THINK_OPEN):
        reasoning, answer = text.lstrip()[len(THINK_OPEN):], ""
    else:
        reasoning, answer = "", text
    return Parsed(reasoning.strip(), answer.strip())


def prompt_messages(messages: list[dict]) -> list[dict]:
    """The conversation up to (not including) its final assistant answer: what a model is asked."""
    end = len(messages) - 1 if messages and messages[-1]["role"] == "assistant" else len(messages)
    return [{"role": m["role"], "content": m["content"]} for m in messages[:end]]


def strip_think(text: str) -> str:
    """Text without think traces: closed blocks, a block pre-filled by the prompt, an unclosed one."""
    text = _THINK_BLOCK.sub("", text or "")
    if THINK_CLOSE in text:
        text = text.split(THINK_CLOSE, 1)[1]
    return text.split(THINK_OPEN, 1)[0].strip()


def split_leading_think(text: str) -> tuple[str, str] | None:
    """(reasoning, rest) of text that opens with one closed think block, else None.

    The reasoning is stripped; a block holding another `<think>` is not a single block and gives None.
    """
    match = _LEADING_THINK.match(text)
    if not match or THINK_OPEN in match.group(1):
        return None
    return match.group(1).strip(), text[match.end():]
