"""Corrections in people's own words through the default summarizer: lost, unmarked or ok per pair.

    python scripts/bench_corrections.py [fixtures/corrections/test.json ...] [--show]

Each pair (fixtures/corrections/README.md) becomes a 15-message conversation: the fact in turn 1, filler turns, the
correction in turn 4, more filler, then the question; compressed with `--keep-last 1`.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from persona.compression.evaluation import Conversation, evaluate_case  # noqa: E402
from persona.compression.summarizers import DEFAULT_STRATEGY, resolve_summarizer  # noqa: E402
from persona.tokenizer import qwen3_tokenizer  # noqa: E402

USER_FILLER = ["Sounds reasonable, let's keep going.", "I can look at that tomorrow.", "Good point, I'll write it down.",
               "Let's not overthink it for now.", "Okay, makes sense to me.", "I'll ask the team about it later."]
ASSISTANT = ("That works. Keep a short list of open questions so nothing slips, and check in with the others before "
             "you commit to anything big.")


def conversation(name: str, pair: dict) -> Conversation:
    turns = [f"Starting a new project this week. {pair['intro']}", *USER_FILLER[:2], pair["correction"],
             *USER_FILLER[2:]]
    messages = [m for text in turns for m in ({"role": "user", "content": text},
                                              {"role": "assistant", "content": ASSISTANT})]
    fact = {"key": "corrected", "value": pair["new"], "turn": 4, "supersedes": pair["old"]}
    return Conversation(name, messages, pair["question"], [fact], [pair["new"]], [])


def outcome(result) -> str:
    return "lost" if result.facts_missing else "unmarked" if result.unmarked else "ok"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=[ROOT / "fixtures/corrections/test.json"])
    parser.add_argument("--show", action="store_true", help="print each pair that is not ok, with its summary")
    args = parser.parse_args(argv)
    tokenizer = qwen3_tokenizer()
    summarize = resolve_summarizer(DEFAULT_STRATEGY, tokenizer)
    for path in args.files:
        counts = {"ok": 0, "unmarked": 0, "lost": 0}
        for i, pair in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            result = evaluate_case(conversation(f"{path.stem}-{i}", pair), summarize, tokenizer)
            counts[outcome(result)] += 1
            if args.show and outcome(result) != "ok":
                print(f"  {outcome(result):8} {pair['correction']}\n           {result.compressed.summary!r}")
        total = sum(counts.values())
        print(f"{path.name}: {total} corrections: ok {counts['ok']}, unmarked {counts['unmarked']}, "
              f"lost {counts['lost']} (the new value gone, the old one kept)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
