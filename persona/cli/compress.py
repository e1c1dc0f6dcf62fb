"""`persona compress` and `persona chat`: context compression from the command line.

    persona compress convo.json --keep-last 1 --json          # fact ledger (default), Qwen3 token counts
    persona compress convo.json --budget-ratio 0.2 --json     # a summary of 20% of the turns it replaces
    persona compress convo.json --strategy model --model DIR  # the model writes the summary
    persona compress convo.json --strategy hybrid --model DIR # ledger + the model's summary
    persona chat --model DIR --budget 2048 --no-thinking      # chat; old turns folded past the budget

Bad input is one message on stderr, prefixed with the file name, and exit code 2. Argument parsing and printing
only: the conversation file, the summarizer and the chat session are persona.compression.session's.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from persona.cli.exits import fail
from persona.compression.compress import BUDGET_RATIO


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


def cmd_compress(args) -> int:
    from persona.compression.compress import compress
    from persona.compression.session import read_conversation, summarizer_for
    from persona.compression.summarizers import NEEDS_MODEL

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
        summarizer, tokenizer = summarizer_for(args.strategy, args.model)
    except (ValueError, OSError) as err:
        return fail(f"persona compress: --model {args.model}: {err}")
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


def cmd_chat(args) -> int:
    from persona.compression.session import open_chat, run_chat
    from persona.runs import chat_target

    if args.model is None:
        args.model, adapter, why = chat_target(Path("models"))
        args.adapter = args.adapter or adapter
        print(f"persona chat: no --model given; talking to {why}")
    try:
        session, loaded = open_chat(args.model, adapter=args.adapter, strategy=args.strategy,
                                    thinking=args.thinking, max_new_tokens=args.max_new_tokens,
                                    budget_tokens=args.budget, keep_last=args.keep_last,
                                    budget_ratio=args.budget_ratio)
    except (ValueError, OSError) as err:
        return fail(f"persona chat: --model {args.model}: {err}")
    print(f"persona chat — {loaded.spec} ({loaded.kind} weights), thinking "
          f"{'on' if args.thinking else 'off'}, budget {args.budget} tokens. Ctrl-D or /quit to leave.")
    return run_chat(session, input, print)
