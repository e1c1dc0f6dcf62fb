"""Answer-level fact recall on real weights: what compression costs the answers, not only the context.

    python scripts/bench_answer_recall.py [--model smollm2-135m] [--per-band 16] [--seed N] [--json FILE]

The fine-tuned model of the harness's own training config (the toy set, the model's profile; the cached run
when there is one, else it trains) answers each conversation's final question twice: from the compressed
context (the default strategy, `--keep-last 1`, as the compression criteria run) and from the full
conversation. Conversations: the 12 fixtures and `--per-band` conversations of each length band (short,
medium, 80+ messages) of the updates set's test half, a set with assistant-stated facts, corrections and
numeric look-alikes that the summarizer was never tuned on. Per set, per length band and per kind of fact, as
the fact-recall criterion measures it (persona.measures.quality.recall_ratio; values matched on word boundaries
after normalization): recall with compression / recall with the full conversation, how many questions the full
conversation's answer got right and how many of those the compressed one kept; and substitutions: answers
that name a superseded value or a look-alike where the expected one is missing, with compression and without,
and with compression where the full conversation's answer named the value compression lost (caused). A conversation whose full text
does not fit the model's window (smollm2-135m reads 8,192 tokens; the longest updates conversations are ~10k)
has no full-context answer to compare with: it is left out, and the count is printed.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from bench_compress import BANDS, fact_kinds  # noqa: E402


def sample(conversations, per_band: int, seed: int) -> list:
    """`per_band` conversations of each length band, drawn with `seed`."""
    rng, chosen = random.Random(seed), []
    for _, low, high in BANDS:
        band = [c for c in conversations if low <= len(c.messages) <= high]
        chosen += rng.sample(band, min(per_band, len(band)))
    return chosen


def answer_pairs(model, tokenizer, conversations, contexts) -> list[tuple[str, str]]:
    """(answer from the compressed context, answer from the full conversation) per conversation, greedy, batched
    as the harness batches them (persona.infer.generate: by length, under a token budget)."""
    from persona.harness.answers import MAX_NEW_TOKENS, batch_size_for
    from persona.infer import generate

    made = generate(model, tokenizer, [*contexts, *(c.full for c in conversations)], thinking=False,
                    max_new_tokens=MAX_NEW_TOKENS["compression"], batch_size=batch_size_for(model), label="answers")
    answers = [g.answer for g in made]
    return list(zip(answers[:len(contexts)], answers[len(contexts):]))


def row(conversations, pairs) -> dict:
    from persona.measures import quality

    expected = [c.expected for c in conversations]
    distractors = [[d["value"] for d in c.distractors] for c in conversations]
    compressed, full = [a for a, _ in pairs], [b for _, b in pairs]
    measured = quality.recall_ratio(compressed, full, expected)
    answered = quality.answerable(full, expected)
    return {"n": len(pairs), "answerable": len(answered),
            "kept": sum(quality.recall(compressed[i], expected[i]) == 1 for i in answered),
            "ratio": round(measured.estimate, 3),
            "interval": [round(measured.low, 3), round(measured.high, 3)],
            "recall_compressed": round(measured.controls["compressed"], 3),
            "recall_full": round(measured.controls["full"], 3),
            "substitutions_compressed": quality.substitutions(compressed, expected, distractors),
            "substitutions_full": quality.substitutions(full, expected, distractors),
            "substitutions_caused": quality.substitutions_by_compression(compressed, full, expected, distractors)}


def breakdown(conversations, pairs) -> dict:
    """Rows per length band and per kind of the facts each question asks for."""
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(conversations):
        band = next(name for name, low, high in BANDS if low <= len(c.messages) <= high)
        asked = [f for f in c.facts if f["value"] in c.expected]
        kinds = {kind for f in asked for kind in fact_kinds(f)}
        for key in [f"{band} messages", *sorted(kinds)]:
            groups.setdefault(key, []).append(i)
    return {key: row([conversations[i] for i in idx], [pairs[i] for i in idx]) for key, idx in groups.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--per-band", type=int, default=16, help="updates test-half conversations per length band")
    parser.add_argument("--seed", type=int, default=0, help="which conversations are drawn from each band")
    parser.add_argument("--json", type=Path, help="write the figures and every answer here")
    args = parser.parse_args(argv)

    from persona import shipped
    from persona.compression.evaluation import evaluate_case, load_conversations
    from persona.compression.summarizers import DEFAULT_STRATEGY, resolve_summarizer
    from persona.harness.compression import within_window
    from persona.config import load_config
    from persona.evalsets.updates import test_set
    from persona.profiles import profile_for
    from persona.runs import load_trained, train_cached
    from persona.tokenizer import qwen3_tokenizer

    sets = {"fixtures": load_conversations(shipped.CONVERSATIONS),
            "updates test half": sample(test_set(), args.per_band, args.seed)}
    qwen_tok = qwen3_tokenizer()
    summarizer = resolve_summarizer(DEFAULT_STRATEGY, qwen_tok)
    with tempfile.TemporaryDirectory() as out:
        config = load_config(None, **{**profile_for(args.model), "model": args.model, "output_dir": out})
        result, reused = train_cached(config)
        print(f"{args.model}: fine-tuned run {'reused' if reused else 'trained'} ({result.run_dir.name})", flush=True)
        model, tokenizer = load_trained(result)
    figures, answers = {"model": args.model, "sets": {}}, []
    for name, conversations in sets.items():
        began = time.perf_counter()
        contexts = [evaluate_case(c, summarizer, qwen_tok, keep_last=1).compressed.messages for c in conversations]
        readable = within_window(conversations, tokenizer, model.config.max_position_embeddings)
        if len(readable) < len(conversations):  # no full-context answer to compare with: left out
            print(f"{name}: {len(conversations) - len(readable)} conversations longer than {args.model}'s window "
                  "are left out", flush=True)
        left_out = len(conversations) - len(readable)
        contexts = [x for c, x in zip(conversations, contexts) if c in readable]
        conversations = readable
        pairs = answer_pairs(model, tokenizer, conversations, contexts)
        figures["sets"][name] = {**row(conversations, pairs), "by": breakdown(conversations, pairs),
                                 "left_out_longer_than_window": left_out,
                                 "seconds": round(time.perf_counter() - began, 1)}
        answers += [{"set": name, "conversation": c.name, "expected": c.expected, "compressed": a, "full": b}
                    for c, (a, b) in zip(conversations, pairs)]
    print(render(figures))
    if args.json:
        args.json.write_text(json.dumps({**figures, "answers": answers}, indent=1, ensure_ascii=False))
    return 0


def render(figures: dict) -> str:
    lines = [f"answer-level recall, {figures['model']} fine-tune, compressed / full context", "",
             "| set | rows | n | ratio [95%] | recall compressed / full | answered from full, kept | "
             "substitutions compressed / full / caused |", "|---|---|---|---|---|---|---|"]
    for name, fig in figures["sets"].items():
        for label, r in [("all", fig), *fig["by"].items()]:
            ratio = "no reference: nothing answered from the full conversation" if not r["recall_full"] else \
                f"{r['ratio']:.2f} [{r['interval'][0]:.2f}, {r['interval'][1]:.2f}]"
            lines.append(f"| {name} | {label} | {r['n']} | {ratio} | {r['recall_compressed']:.2f} / {r['recall_full']:.2f} | "
                         f"{r['answerable']}, {r['kept']} | {r['substitutions_compressed']} / "
                         f"{r['substitutions_full']} / {r['substitutions_caused']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
