"""Compression benchmark: token cut against planted facts kept, per strategy and budget ratio.

    python scripts/bench_compress.py                          # ledger + extractive on the generated test
                                                              # half and the 12 fixtures, curve to PNG
    python scripts/bench_compress.py --sets tune              # the tuning half (to choose settings)
    python scripts/bench_compress.py --model DIR              # adds the model and hybrid strategies
    python scripts/bench_compress.py --seed 101             # a fresh draw of the generated and prose sets
    python scripts/bench_compress.py --sets upd-test --by     # the updates set, per-kind and per-length tables
    python scripts/bench_compress.py --faults                 # planted-fault summarizers at the default
    python scripts/bench_compress.py --unprotected            # also ledger/extractive without protected turns
    python scripts/bench_compress.py --json out.json --png docs/compression_curve.png

Per row: pooled token cut (1 - compressed/original Qwen3 tokens, kept turns and question included),
the per-conversation cut (mean, lowest, median, how many conversations under 50%), planted turn-1/2 facts still in the context, expected answer strings
still there verbatim, distractor substitutions, summarized turns with no line in the summary
(persona.compression.evaluation.bare_turns), and the summarizer's mean CPU seconds per
conversation. Token counts use the offline Qwen3 tokenizer (persona.tokenizer); nothing is downloaded.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATIOS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
"""Budget ratios (share of the summarized turns' tokens) the curve is drawn through."""


def load_sets(names: list[str], seed: int | None = None) -> dict:
    """Sets by name; `seed` draws the generated and prose sets afresh from another seed."""
    from persona.evalsets import generated, prose, updates
    from persona.shipped import CONVERSATIONS
    from persona.compression.evaluation import load_conversations

    def half(module, prefix):
        return lambda: [c for c in module.generate(*(() if seed is None else (seed,))) if c.name.startswith(prefix)]

    makers = {"test": half(generated, "test-"), "tune": half(generated, "tune-"),
              "prose-test": half(prose, "prose-test-"), "prose-tune": half(prose, "prose-tune-"),
              "upd-test": half(updates, "upd-test-"), "upd-tune": half(updates, "upd-tune-"),
              "fixtures": lambda: load_conversations(CONVERSATIONS)}
    unknown = sorted(set(names) - set(makers))
    if unknown:
        raise SystemExit(f"unknown set {unknown}; known: {', '.join(makers)}")
    return {name: makers[name]() for name in names}


def timed(summarizer, seconds: list):
    """The summarizer, with each call's wall time appended to `seconds`."""
    import inspect

    budgeted = "budget_tokens" in inspect.signature(summarizer).parameters

    def summarize(old, budget_tokens=None):
        began = time.perf_counter()
        try:
            return summarizer(old, budget_tokens=budget_tokens) if budgeted else summarizer(old)
        finally:
            seconds.append(time.perf_counter() - began)

    return summarize


def bench(summarizer, conversations, tokenizer, keep_last: int, ratio: float, with_question: bool = True) -> dict:
    from persona.compression.evaluation import evaluate_case, pooled

    seconds = []
    results = [evaluate_case(c, timed(summarizer, seconds), tokenizer, keep_last=keep_last, budget_ratio=ratio,
                             with_question=with_question) for c in conversations]
    figures = pooled(results)
    figures["seconds_per_conversation"] = sum(seconds) / max(len(seconds), 1)
    # Facts the assistant stated in turns 1-2 (generated set), kept like the user's ones?
    spoken = [(f["key"], r) for c, r in zip(conversations, results) for f in c.facts if f.get("said_by") == "assistant"]
    figures["assistant_facts"] = len(spoken)
    figures["assistant_facts_kept"] = sum(key not in r.facts_missing for key, r in spoken)
    figures["misses"] = {r.name: {"missing": r.facts_missing, "substituted": r.substituted,
                                  "expected_missing": r.expected_missing, "bare_turns": r.turns_bare,
                                  "unmarked": r.unmarked}
                         for r in results if r.facts_missing or r.substituted or r.expected_missing or r.unmarked}
    figures["by_kind"], figures["by_length"] = breakdown(conversations, results)
    return figures


BANDS = (("short (<=12)", 0, 12), ("medium (13-79)", 13, 79), ("long (80+)", 80, 10**6),
         ("  of which <12", 0, 11), ("  12-30", 12, 30), ("  31-79", 31, 79))
"""History-message bands of the per-length table: the three the generated sets are drawn in, then finer rows
(a conversation counts in every band it falls in). Under 12 messages the kept last exchange and the first two
turns' facts are most of the tokens, so the cut there is bounded (docs/benchmarks.md)."""


def fact_kinds(fact: dict) -> list[str]:
    """The rows of the per-kind table a planted fact counts in."""
    kinds = ["assistant-stated" if fact.get("said_by") == "assistant" else "user-stated"]
    kinds += ["corrected" for _ in [0] if fact.get("supersedes")]
    kinds += ["in a multi-fact sentence" for _ in [0] if fact.get("multi")]
    kinds += ["with a numeric look-alike" for _ in [0] if fact.get("look_alike")]
    return kinds


def breakdown(conversations, results) -> tuple[dict, dict]:
    """Per kind of fact: facts, kept, substitutions, unmarked corrections; per length band: conversations,
    pooled cut, facts, kept, substitutions."""
    by_kind: dict = {}
    by_length = {name: {"conversations": 0, "original": 0, "compressed": 0, "facts": 0, "kept": 0, "subst": 0}
                 for name, _, _ in BANDS}
    for c, r in zip(conversations, results):
        for fact in c.facts:
            for kind in fact_kinds(fact):
                row = by_kind.setdefault(kind, {"facts": 0, "kept": 0, "subst": 0, "unmarked": 0})
                row["facts"] += 1
                row["kept"] += fact["key"] not in r.facts_missing
                row["subst"] += fact["key"] in r.substituted
                row["unmarked"] += fact["key"] in r.unmarked
        for band in (by_length[name] for name, low, high in BANDS if low <= len(c.messages) <= high):
            band["conversations"] += 1
            band["original"] += r.compressed.original_tokens
            band["compressed"] += r.compressed.compressed_tokens
            band["facts"] += r.facts_total
            band["kept"] += r.facts_total - len(r.facts_missing)
            band["subst"] += len(r.substituted)
    for band in by_length.values():
        band["cut"] = 1 - band["compressed"] / band["original"] if band["original"] else 0.0
    return by_kind, {k: v for k, v in by_length.items() if v["conversations"]}


def print_breakdown(rows: list[dict]) -> None:
    for r in rows:
        print(f"\n{r['set']} {r['strategy']} {r['budget_ratio']}: per kind (kept / facts, substitutions, unmarked)")
        for kind, k in sorted(r["by_kind"].items()):
            print(f"  {kind:28s} {k['kept']:>4d}/{k['facts']:<4d} {k['kept'] / k['facts']:6.1%}  subst {k['subst']}"
                  f"  unmarked {k['unmarked']}")
        print("  per length (conversations, pooled cut, kept / facts, substitutions)")
        for name, b in r["by_length"].items():
            print(f"  {name:28s} {b['conversations']:>4d}  cut {b['cut']:6.1%}  {b['kept']:>4d}/{b['facts']:<4d} "
                  f"subst {b['subst']}")


def unprotected(tokenizer) -> dict:
    """Ledger and extractive with `protect_turns=0`: what the fact selection keeps on its own."""
    from dataclasses import replace

    from persona.compression.extractive import EXTRACTIVE, LEDGER, _summarizer, render_ledger, render_sentences

    return {"ledger, unprotected": _summarizer(tokenizer, replace(LEDGER, protect_turns=0), render_ledger),
            "extractive, unprotected": _summarizer(tokenizer, replace(EXTRACTIVE, protect_turns=0),
                                                   render_sentences)}


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sets = sorted({r["set"] for r in rows})
    fig, axes = plt.subplots(1, len(sets), figsize=(5.5 * len(sets), 4.2), squeeze=False)
    for ax, name in zip(axes[0], sets):
        for strategy in sorted({r["strategy"] for r in rows if r["set"] == name}):
            line = sorted((r for r in rows if r["set"] == name and r["strategy"] == strategy),
                          key=lambda r: r["compression_ratio"])
            ax.plot([100 * r["compression_ratio"] for r in line], [100 * r["fact_retention"] for r in line],
                    marker="o", label=strategy)
            for r in line:
                if r["substitutions"]:
                    ax.annotate(f"{r['substitutions']} subst.", (100 * r["compression_ratio"], 100 * r["fact_retention"]),
                                fontsize=7, textcoords="offset points", xytext=(3, -9))
        ax.axvline(50, color="grey", lw=0.8, ls="--")
        ax.axhline(95, color="grey", lw=0.8, ls="--")
        ax.set(title=f"{name} ({line[0]['conversations']} conversations)", xlabel="fewer Qwen3 tokens (%)",
               ylabel="turn-1/2 facts kept in context (%)")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def print_rows(rows: list[dict]) -> None:
    print(f"{'set':10s} {'strategy':22s} {'budget':>6s} {'cut':>6s} {'mean':>6s} {'min':>6s} {'median':>6s} {'<50%':>4s} "
          f"{'facts kept':>13s} {'by asst.':>9s} {'expected':>12s} {'subst':>5s} {'bare turns':>10s} {'s/conv':>7s}")
    for r in rows:
        print(f"{r['set']:10s} {r['strategy']:22s} {r['budget_ratio']:>6.2f} {r['compression_ratio']:>6.1%} "
              f"{r['mean_case_ratio']:>6.1%} {r['min_case_ratio']:>6.1%} {r['median_case_ratio']:>6.1%} {r['cases_under_half']:>4d} "
              f"{r['facts_kept']:>4d}/{r['facts']:<4d}{r['fact_retention']:>5.1%} "
              f"{r['assistant_facts_kept']:>4d}/{r['assistant_facts']:<4d} "
              f"{r['expected_kept']:>4d}/{r['expected']:<4d}{r['expected_kept'] / max(r['expected'], 1):>4.0%} "
              f"{r['substitutions']:>5d} {r['unmarked_corrections']:>4d} {r['turns_bare']:>4d}/{r['turns']:<5d} {r['seconds_per_conversation']:>7.4f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="test,prose-test,upd-test,fixtures",
                        help="comma-separated: test, tune (generated), prose-test, prose-tune "
                             "(persona/evalsets/prose.py), upd-test, upd-tune (persona/evalsets/updates.py), fixtures")
    parser.add_argument("--strategies", default="ledger,extractive")
    parser.add_argument("--ratios", default=",".join(map(str, RATIOS)), help="budget ratios to sweep")
    parser.add_argument("--keep-last", type=int, default=1)
    parser.add_argument("--model", help="also benchmark the model and hybrid strategies with this model")
    parser.add_argument("--faults", action="store_true", help="add the planted faults at the default ratio")
    parser.add_argument("--unprotected", action="store_true",
                        help="add ledger and extractive without protected first turns (selection alone)")
    parser.add_argument("--seed", type=int, help="draw the generated and prose sets from this seed instead")
    parser.add_argument("--without-question", action="store_true",
                        help="compress the history alone, as `persona compress FILE` reads a fixture file")
    parser.add_argument("--misses", action="store_true", help="print what each row lost")
    parser.add_argument("--by", action="store_true", help="print per-kind and per-length tables for each row")
    parser.add_argument("--json", help="write all figures to this file")
    parser.add_argument("--png", help="draw the trade-off curve to this PNG")
    args = parser.parse_args(argv)

    from persona.compression.compress import BUDGET_RATIO
    from persona.compression.summarizers import resolve_summarizer
    from persona.tokenizer import qwen3_tokenizer

    tokenizer = qwen3_tokenizer()
    sets = load_sets(args.sets.split(","), args.seed)
    strategies = args.strategies.split(",")
    model = None
    if args.model:
        from persona.models import load

        loaded = load(args.model)
        model, model_tok = loaded.model, loaded.tokenizer
        strategies += ["model", "hybrid"]
    ratios = [float(r) for r in args.ratios.split(",")]
    plan = [(s, r) for s in strategies for r in ratios]
    if args.faults:
        plan += [(f"tests.faults:{f}", BUDGET_RATIO) for f in
                 ("identity_summarizer", "fact_dropping_summarizer", "distractor_swapping_summarizer")]
    variants = unprotected(tokenizer) if args.unprotected else {}
    plan += [(name, r) for name in variants for r in ratios]
    rows = []
    for set_name, conversations in sets.items():
        for strategy, ratio in plan:
            summarizer = variants.get(strategy) or resolve_summarizer(
                strategy, model_tok if model is not None else tokenizer, model)
            figures = bench(summarizer, conversations, tokenizer, args.keep_last, ratio, not args.without_question)
            rows.append({"set": set_name, "strategy": strategy.replace("tests.faults:", "fault:"),
                         "budget_ratio": ratio, **figures})
            if args.misses:
                for name, miss in figures["misses"].items():
                    print(f"  {set_name} {strategy} {ratio}: {name} {miss}")
    print(f"keep_last={args.keep_last}, Qwen3 tokens; budget = share of the summarized turns' tokens; "
          f"{'history alone' if args.without_question else 'history and final question'}")
    print_rows(rows)
    if args.by:
        print_breakdown(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    if args.png:
        plot([r for r in rows if not r["strategy"].startswith("fault:")], Path(args.png))
    return 0


if __name__ == "__main__":
    sys.exit(main())
