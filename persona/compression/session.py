"""The chat session behind `persona chat`, and what `persona compress` reads: a conversation file and the
summarizer with the tokenizer that counts its tokens. The CLI (persona/cli/compress.py) parses and prints.

    session, loaded = open_chat("smollm2-135m", strategy="ledger", budget_tokens=2048)
    run_chat(session, input, print)                       # read-answer loop, older turns folded past the budget
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from persona.compression.compress import BUDGET_RATIO, compress
from persona.messages import validate_messages


def read_conversation(path: Path) -> list[dict]:
    """Messages from a JSON file; raises ValueError with every problem, each prefixed by the path."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}:{err.lineno}:{err.colno}: not valid JSON ({err.msg})") from None
    if isinstance(data, dict):
        if "messages" not in data:
            raise ValueError(f'{path}: an object needs a "messages" list')
        data = data["messages"]
    issues = validate_messages(data, str(path))
    if issues:
        raise ValueError("\n".join(issues))
    return data


def summarizer_for(strategy: str, spec: str | None) -> tuple[Callable, object]:
    """(summarizer, tokenizer that counts tokens) for a strategy: the offline Qwen3 tokenizer when no model is
    named, only the named model's tokenizer unless the strategy summarizes with the model. Raises ValueError or
    OSError when the model does not load."""
    from persona.compression.summarizers import NEEDS_MODEL, resolve_summarizer

    model = None
    if spec is None:
        from persona.tokenizer import qwen3_tokenizer

        tokenizer = qwen3_tokenizer()
    elif strategy in NEEDS_MODEL:
        from persona.models import load

        loaded = load(spec)
        model, tokenizer = loaded.model, loaded.tokenizer
    else:
        from persona.models import load_tokenizer, resolve

        tokenizer = load_tokenizer(resolve(spec))
    return resolve_summarizer(strategy, tokenizer, model), tokenizer


@dataclass
class ChatSession:
    """A running conversation that folds its older turns into a summary once past the budget."""
    reply: Callable
    """messages -> Generation (persona.infer), the model's answer to the last user message."""
    summarizer: Callable
    """Summarizer for the turns that fall out of the kept window."""
    tokenizer: object
    """Tokenizer of the chat model: the budget is in its tokens."""
    budget_tokens: int
    """Context size that triggers compression."""
    keep_last: int = 2
    """Exchanges kept verbatim when compressing."""
    budget_ratio: float = BUDGET_RATIO
    """Share of the folded turns' tokens the summary may use."""
    messages: list = field(default_factory=list)
    """The context the model sees next (compressed turns already folded in)."""

    def ask(self, text: str):
        """(generation, compressed) for one user message; compression happens before the model answers."""
        self.messages.append({"role": "user", "content": text})
        compressed = compress(self.messages, self.summarizer, self.tokenizer, keep_last=self.keep_last,
                              budget_tokens=self.budget_tokens, budget_ratio=self.budget_ratio)
        self.messages = compressed.messages
        generation = self.reply(self.messages)
        # Qwen3 history carries answers only: a think trace in history would be read as an answer.
        self.messages.append({"role": "assistant", "content": generation.answer})
        return generation, compressed


def open_chat(spec: str, *, adapter: str | Path | None = None, strategy: str, thinking: bool = False,
              max_new_tokens: int = 512, budget_tokens: int = 2048, keep_last: int = 2,
              budget_ratio: float = BUDGET_RATIO):
    """(ChatSession, persona.models.Loaded) with the model loaded; raises ValueError or OSError when it does not
    load. The model answers one message at a time, thinking as asked, and summarizes for `model` and `hybrid`."""
    from persona.compression.summarizers import resolve_summarizer
    from persona.infer import generate
    from persona.models import load
    from persona.train import trained_on_nf4

    loaded = load(spec, adapter=adapter, nf4_base=adapter is not None and trained_on_nf4(adapter))
    model, tokenizer = loaded.model, loaded.tokenizer

    def reply(messages):
        [generation] = generate(model, tokenizer, [messages], thinking=thinking, max_new_tokens=max_new_tokens,
                                batch_size=1)
        return generation

    session = ChatSession(reply, resolve_summarizer(strategy, tokenizer, model), tokenizer,
                          budget_tokens=budget_tokens, keep_last=keep_last, budget_ratio=budget_ratio)
    return session, loaded


def run_chat(session: ChatSession, read: Callable[[str], str], write: Callable[[str], None]) -> int:
    """Read-answer loop; ends on EOF or /quit. Shows the context's token count after each turn."""
    while True:
        try:
            text = read("you> ").strip()
        except EOFError:
            write("")
            return 0
        if text in ("/quit", "/exit"):
            return 0
        if not text:
            continue
        generation, compressed = session.ask(text)
        if generation.reasoning:
            write(f"(thinking) {generation.reasoning}")
        write(f"persona> {generation.answer}")
        write(_context_note(session, compressed))


def _context_note(session: ChatSession, compressed) -> str:
    note = f"[context {compressed.compressed_tokens}/{session.budget_tokens} tokens"
    if compressed.n_summarized:
        note += (f"; {compressed.n_summarized} older messages compressed, "
                 f"{compressed.original_tokens} -> {compressed.compressed_tokens}")
        if compressed.compressed_tokens > session.budget_tokens:
            note += "; still over budget: the kept turns alone exceed it"
    return note + "]"
