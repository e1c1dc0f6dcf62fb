"""`persona compress` and `persona chat`: context compression from the command line.

    persona compress convo.json --keep-last 1 --json          # fact ledger (default), Qwen3 token counts
    persona compress convo.json --budget-ratio 0.2 --json     # a summary of 20% of the turns it replaces
    persona compress convo.json --strategy model --model DIR  # the model writes the summary
    persona compress convo.json --strategy hybrid --model DIR # ledger + the model's summary
    persona chat --model DIR --budget 2048 --no-thinking      # chat; old turns folded past the budget

Bad input is one message on stderr, prefixed with the file name, and exit code 2.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from persona.cli.exits import fail
from persona.compression.compress import BUDGET_RATIO
from persona.messages import validate_messages


def add_compress(subparsers) -> None:
    compress = subparsers.add_parser("compress", help="fold old turns of a conversation into a summary")
    compress.add_argument("file", help='JSON: a list of messages, or an object with "messages"')
    _add_compression_args(compress)
    compress.add_argument("--json", action="store_true", help="print the result as JSON")
    compress.set_defaults(func=cmd_compress)


def add_chat(subparsers) -> None:
    chat = subparsers.add_parser("chat", help="chat with the persona; old turns compressed past --budget")
    chat.add_argument("--model", default=None, help="hub id, local dir, smollm2-135m, synthetic:qwen3-1.7b or tiny "
                      "(default: the latest trained run on real weights, else smollm2-135m)")
    chat.add_argument("--adapter", help="LoRA adapter directory to apply")
    chat.add_argument("--thinking", action=argparse.BooleanOptionalAction, default=False,
                      help="Qwen3 thinking mode (default off)")
    chat.add_argument("--budget", type=int, default=2048, metavar="TOKENS",
                      help="compress older turns once the context passes this many tokens")
    chat.add_argument("--keep-last", type=int, default=2, help="exchanges kept verbatim")
    _add_strategy_args(chat)
    chat.add_argument("--max-new-tokens", type=int, default=512)
    chat.set_defaults(func=cmd_chat)


def _add_compression_args(parser) -> None:
    parser.add_argument("--keep-last", type=int, default=1, help="exchanges kept verbatim (default 1)")
    _add_strategy_args(parser)
    parser.add_argument("--model", default=None,
                        help="model whose tokenizer counts tokens (and who summarizes with --strategy "
                             "model); default: the offline Qwen3 tokenizer")
    parser.add_argument("--budget", type=int, default=None, metavar="TOKENS",
                        help="leave the conversation as is when it is within this many tokens")


def _add_strategy_args(parser) -> None:
    from persona.compression.summarizers import DEFAULT_STRATEGY, SUMMARIZERS

    parser.add_argument("--strategy", choices=tuple(SUMMARIZERS), default=DEFAULT_STRATEGY,
                        help=f"ledger and extractive need no model; model and hybrid ask --model to "
                             f"summarize (default {DEFAULT_STRATEGY})")
    parser.add_argument("--budget-ratio", type=float, default=BUDGET_RATIO, metavar="R",
                        help=f"a summary may use this share of the tokens of the turns it replaces "
                             f"(default {BUDGET_RATIO})")


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


def cmd_compress(args) -> int:
    from persona.compression.compress import compress
    from persona.compression.summarizers import NEEDS_MODEL, resolve_summarizer

    path = Path(args.file)
    try:
        messages = read_conversation(path)
    except ValueError as err:
        return fail(str(err))
    if args.keep_last < 0:
        return fail(f"--keep-last must be >= 0, got {args.keep_last}")
    if not 0 < args.budget_ratio <= 1:
        return fail(f"--budget-ratio must be in (0, 1], got {args.budget_ratio}")
    if args.strategy in NEEDS_MODEL and not args.model:
        return fail(f"persona compress: --strategy {args.strategy} needs --model")
    try:
        model, tokenizer = _model_and_tokenizer(args.model, need_model=args.strategy in NEEDS_MODEL)
    except (ValueError, OSError) as err:
        return fail(f"persona compress: --model {args.model}: {err}")
    summarizer = resolve_summarizer(args.strategy, tokenizer, model)
    result = compress(messages, summarizer, tokenizer, keep_last=args.keep_last, budget_tokens=args.budget,
                      budget_ratio=args.budget_ratio)
    if args.json:
        print(json.dumps({"file": str(path), "strategy": args.strategy, "budget_ratio": args.budget_ratio,
                          **result.to_json()}, ensure_ascii=False, indent=2))
    else:
        print(f"{path}: {result.original_tokens} -> {result.compressed_tokens} tokens "
              f"({result.compression_ratio:.0%} fewer), {result.n_summarized} messages summarized")
        for message in result.messages:
            print(f"\n[{message['role']}]\n{message['content']}")
    return 0


def _model_and_tokenizer(spec: str | None, *, need_model: bool):
    """(model or None, tokenizer): the offline Qwen3 tokenizer when no model is named."""
    if spec is None:
        from persona.tokenizer import qwen3_tokenizer

        return None, qwen3_tokenizer()
    from persona.models import load, load_tokenizer, resolve

    source = resolve(spec)
    if not need_model:
        return None, load_tokenizer(source)
    loaded = load(source)
    return loaded.model, loaded.tokenizer


def cmd_chat(args) -> int:
    from persona.infer import generate
    from persona.models import load
    from persona.runs import chat_target
    from persona.compression.summarizers import resolve_summarizer

    if args.model is None:
        args.model, adapter, why = chat_target(Path("models"))
        args.adapter = args.adapter or adapter
        print(f"persona chat: no --model given; talking to {why}")
    try:
        loaded = load(args.model, adapter=args.adapter)
    except (ValueError, OSError) as err:
        return fail(f"persona chat: --model {args.model}: {err}")
    model, tokenizer = loaded.model, loaded.tokenizer
    summarizer = resolve_summarizer(args.strategy, tokenizer, model)

    def reply(messages):
        [generation] = generate(model, tokenizer, [messages], thinking=args.thinking,
                                max_new_tokens=args.max_new_tokens, batch_size=1)
        return generation

    session = ChatSession(reply, summarizer, tokenizer, budget_tokens=args.budget, keep_last=args.keep_last,
                          budget_ratio=args.budget_ratio)
    print(f"persona chat — {loaded.spec} ({loaded.kind} weights), thinking "
          f"{'on' if args.thinking else 'off'}, budget {args.budget} tokens. Ctrl-D or /quit to leave.")
    return run_chat(session, input, print)


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
        from persona.compression.compress import compress

        self.messages.append({"role": "user", "content": text})
        compressed = compress(self.messages, self.summarizer, self.tokenizer, keep_last=self.keep_last,
                              budget_tokens=self.budget_tokens, budget_ratio=self.budget_ratio)
        self.messages = compressed.messages
        generation = self.reply(self.messages)
        # Qwen3 history carries answers only: a think trace in history would be read as an answer.
        self.messages.append({"role": "assistant", "content": generation.answer})
        return generation, compressed


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
        note = f"[context {compressed.compressed_tokens}/{session.budget_tokens} tokens"
        if compressed.n_summarized:
            note += (f"; {compressed.n_summarized} older messages compressed, "
                     f"{compressed.original_tokens} -> {compressed.compressed_tokens}")
            if compressed.compressed_tokens > session.budget_tokens:
                note += "; still over budget: the kept turns alone exceed it"
        write(note + "]")
