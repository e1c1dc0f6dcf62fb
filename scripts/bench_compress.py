"""Compression benchmark: token ratio and planted-fact retention per summarizer over the fixture set.

    python scripts/bench_compress.py                       # extractive + planted faults, Qwen3 tokens, CPU
    python scripts/bench_compress.py --keep-last 2
    python scripts/bench_compress.py --model DIR           # adds the model summarizer and its latency (GPU)
    python scripts/bench_compress.py --json out.json

Token counts use the offline Qwen3 tokenizer (persona.tokenizer); nothing is downloaded.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench(name: str, summarizer, conversations, tokenizer, keep_last: int) -> dict:
    from persona.compress_metrics import evaluate_case, pooled

    results, seconds = [], []
    for conversation in conversations:
        began = time.perf_counter()
        results.append(evaluate_case(conversation, summarizer, tokenizer, keep_last=keep_last))
        seconds.append(time.perf_counter() - began)
    figures = pooled(results)
    figures.update(strategy=name, mean_seconds_per_conversation=sum(seconds) / len(seconds),
                   cases={r.name: {"ratio": round(r.compressed.compression_ratio, 3),
                                   "retention": round(r.fact_retention, 3), "missing": r.facts_missing,
                                   "substituted": r.substituted} for r in results})
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-last", type=int, default=1)
    parser.add_argument("--model", help="also benchmark the model summarizer with this model")
    parser.add_argument("--json", help="write all figures to this file")
    parser.add_argument("--cases", action="store_true", help="print per-conversation figures")
    args = parser.parse_args(argv)

    from fixtures.compression import CONVERSATIONS
    from fixtures.faults import fact_dropping_summarizer, identity_summarizer
    from persona.compress import model_summarizer
    from persona.extractive import extractive_summarizer
    from persona.compress_metrics import load_conversations
    from persona.tokenizer import qwen3_tokenizer

    tokenizer = qwen3_tokenizer()
    conversations = load_conversations(CONVERSATIONS)
    strategies = {"extractive": extractive_summarizer(tokenizer),
                  "fault:identity": identity_summarizer, "fault:fact-dropping": fact_dropping_summarizer}
    if args.model:
        from persona.models import load

        loaded = load(args.model)
        strategies["model"] = model_summarizer(loaded.model, loaded.tokenizer)
    rows = [bench(name, s, conversations, tokenizer, args.keep_last) for name, s in strategies.items()]

    print(f"{len(conversations)} conversations, keep_last={args.keep_last}, Qwen3 tokens")
    print(f"{'strategy':22s} {'tokens':>13s} {'ratio':>7s} {'min':>7s} {'facts kept':>11s} {'subst':>6s} {'s/conv':>7s}")
    for r in rows:
        print(f"{r['strategy']:22s} {r['original_tokens']:>6d}->{r['compressed_tokens']:<6d} "
              f"{r['compression_ratio']:>7.1%} {r['min_case_ratio']:>7.1%} "
              f"{r['facts_kept']:>4d}/{r['facts']:<3d}{r['fact_retention']:>4.0%} {r['substitutions']:>6d} "
              f"{r['mean_seconds_per_conversation']:>7.3f}")
        if args.cases:
            for name, case in r["cases"].items():
                print(f"    {name:20s} ratio {case['ratio']:>6.1%} retention {case['retention']:>4.0%} "
                      f"missing {case['missing'] or '-'}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
