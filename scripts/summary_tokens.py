"""Where a ledger summary's tokens go, per line kind, on a set (history alone by default).

    python scripts/summary_tokens.py                      # the 12 fixtures, as `persona compress FILE` reads them
    python scripts/summary_tokens.py --sets test,prose-test --with-question

Columns (Qwen3 tokens, summed over the set): original and compressed conversation; the kept exchange
(and question); the system message around the summary (chat markers and "Previous context: "); the
summary, split into turn tags ("3: ", "1 assistant: "), newlines, '…' marks, the text of turns 1-2
and the text of later turns. Tags, newlines and marks are counted as the tokens the summary loses
without them.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TAG = re.compile(r"^t?\d+(?: \w+)?: ", re.M)
EARLY = re.compile(r"^t?[12](?: \w+)?:")


def account(conversation, summarizer, tokenizer, with_question: bool) -> dict:
    from persona.compression.compress import compress, count_tokens, split_for_compression

    def n(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    messages = conversation.full if with_question else conversation.messages
    result = compress(messages, summarizer, tokenizer, keep_last=1)
    kept = split_for_compression(messages, 1)[2]
    lines = result.summary.splitlines()
    untagged = TAG.sub("", result.summary)
    unmarked = re.sub(r" ?… ?", " ", untagged).strip()
    return {"original": result.original_tokens, "compressed": result.compressed_tokens,
            "kept": count_tokens(kept, tokenizer), "system": count_tokens(result.messages[:1], tokenizer) - n(result.summary),
            "summary": n(result.summary), "tags": n(result.summary) - n(untagged), "newlines": max(len(lines) - 1, 0),
            "marks": n(untagged) - n(unmarked),
            "turns 1-2": sum(n(TAG.sub("", line)) for line in lines if EARLY.match(line)),
            "later": sum(n(TAG.sub("", line)) for line in lines if not EARLY.match(line)),
            "later lines": sum(not EARLY.match(line) for line in lines), "cut": result.compression_ratio}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="fixtures")
    parser.add_argument("--strategy", default="ledger")
    parser.add_argument("--with-question", action="store_true")
    parser.add_argument("--per-conversation", action="store_true")
    args = parser.parse_args(argv)

    from bench_compress import load_sets
    from persona.compression.summarizers import resolve_summarizer
    from persona.tokenizer import qwen3_tokenizer

    tokenizer = qwen3_tokenizer()
    summarizer = resolve_summarizer(args.strategy, tokenizer)
    for name, conversations in load_sets(args.sets.split(",")).items():
        rows = [(c.name, account(c, summarizer, tokenizer, args.with_question)) for c in conversations]
        total = {k: sum(r[k] for _, r in rows) for k in rows[0][1] if k != "cut"}
        if args.per_conversation:
            for case, r in rows:
                print(f"  {case:24s} " + " ".join(f"{k} {v:.1%}" if k == "cut" else f"{k} {v}" for k, v in r.items()))
        cuts = [r["cut"] for _, r in rows]
        print(f"{name}: pooled cut {1 - total['compressed'] / total['original']:.1%}, mean {sum(cuts) / len(cuts):.1%}, "
              f"lowest {min(cuts):.1%}; " + ", ".join(f"{k} {v}" for k, v in total.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
