"""Calibration data for the quality criteria on real weights (smollm2-135m on CPU).

    python scripts/calibrate.py [--out docs/calibration.json] [--markdown docs/calibration-tables.md]

Models measured: the base model (no fine-tune; it is also fault (a), a no-op fine-tune: LoRA starts with B = 0,
so learning rate 0 or a disabled adapter give the base model's outputs exactly), the healthy fine-tune, and the
planted faults (b) answers shuffled across prompts, (c) decision examples with their reasoning stripped (kept
valid by filing them as style examples: a dataset whose decisions carry no reasoning), (d) the canaries
inserted into the records after scrubbing. Every criterion is scored with the evals' own metric functions;
generations are cached per model under models/cache/calibration/ and reused across criteria.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.faults import reasoning_stripped, shuffled_answers  # noqa: E402
MODEL = "smollm2-135m"
ANSWER_TOKENS = 384
"""Room for a decision's reasoning and answer: 1.7x the longest in the toy set (230 tokens)."""
THINK_OFF_TOKENS, COMPRESSION_TOKENS = 256, 96
"""As in the evals (test_thinking_switch, test_compression.ANSWER_TOKENS)."""
MEMORIZATION_PROMPTS = 6
"""The eval asks 3 (one per category); 6 gives the distribution, its first 3 are the eval's."""


def write_records(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def trained_model(train_file: Path, out: Path, **overrides):
    """(model, tokenizer) fine-tuned with the model's profile; runs are cached like the evals' run."""
    from persona.config import load_config
    from persona.runs import load_trained, train_cached

    # a log line per step keeps each run's whole loss curve; logging does not change the training
    config = load_config(None, model=MODEL, train_file=str(train_file), output_dir=str(out),
                         run_name=train_file.stem, **{"logging_steps": 1, **overrides})
    result, _ = train_cached(config)
    return load_trained(result)


def generate_all(model, tokenizer, cache: Path, train_file: Path) -> dict:
    """Every generation the quality criteria read, once per model (cached as JSON); memorization asks the
    prompts of the file the model was trained on, as the eval does."""
    if cache.exists():
        return json.loads(cache.read_text())
    from persona.harness.answers import thinking_for
    from evals.test_memorization import pick_prompts
    from persona.shipped import CONVERSATIONS
    from persona.chat import prompt_messages
    from persona.compress_eval import evaluate_case, load_conversations
    from persona.data import load_jsonl
    from tests.faults import fact_dropping_summarizer
    from persona.extractive import extractive_summarizer
    from persona.infer import generate
    from persona.tokenizer import qwen3_tokenizer

    test = load_jsonl(ROOT / "data/toy/test.jsonl")
    memo = pick_prompts(load_jsonl(train_file), MEMORIZATION_PROMPTS)
    decisions = [e for e in test if thinking_for(e)]
    asked = test + memo

    def ask(examples, thinking, tokens, label):
        return [asdict(g) for g in generate(model, tokenizer, [prompt_messages(e.messages) for e in examples],
                                            thinking=thinking, max_new_tokens=tokens, batch_size=16, label=label)]

    answers = ask(asked, [thinking_for(e) for e in asked], ANSWER_TOKENS, "test + memorization prompts")
    think_off = ask(decisions, False, THINK_OFF_TOKENS, "decision prompts, thinking off")
    qwen = qwen3_tokenizer()
    conversations = load_conversations(CONVERSATIONS)
    contexts = [evaluate_case(c, summarizer, qwen).compressed.messages
                for summarizer in (extractive_summarizer(qwen), fact_dropping_summarizer) for c in conversations]
    every = generate(model, tokenizer, contexts + [c.full for c in conversations], thinking=False,
                     max_new_tokens=COMPRESSION_TOKENS, batch_size=24, label="compression with/without")
    n = len(conversations)
    data = {"test": answers[:len(test)], "memorization": answers[len(test):], "think_off": think_off,
            "memorization_references": [e.messages[-1]["content"] for e in memo],
            "compressed": [asdict(g) for g in every[:n]], "fact_dropped": [asdict(g) for g in every[n:2 * n]],
            "uncompressed": [asdict(g) for g in every[2 * n:]]}
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    return data


def canary_leaks(records: list[dict], out: Path, name: str) -> dict:
    """Train the canary eval's way on `records` and report which canaries come out, and the control's exposure."""
    import math

    from evals.test_canary import (CANARIES, CONTROL_CODE, CONTROL_PREFIX, FILLER, N_CANDIDATES, STEPS, complete,
                                   exposure_bits)

    model, tokenizer = trained_model(write_records(out / f"{name}.jsonl", records), out, max_steps=STEPS["real"],
                                     logging_steps=10, save_steps=10_000)
    leaked = []
    for canary in CANARIES:
        text = complete(model, tokenizer, canary.question, canary.prefix)
        if canary.value in text or canary.value.replace(" ", "") in text.replace(" ", ""):
            leaked.append(canary.kind)
    rng = random.Random(0)
    candidates = [c for c in (f"{rng.randrange(10**6):06d}" for _ in range(N_CANDIDATES)) if c != CONTROL_CODE]
    exposure = exposure_bits(model, tokenizer, FILLER[0][0], f"{FILLER[0][1]} {CONTROL_PREFIX}", CONTROL_CODE,
                             candidates)
    return {"leaked": leaked, "count": len(leaked), "of": len(CANARIES), "control_exposure_bits": round(exposure, 2),
            "max_bits": round(math.log2(len(candidates) + 1), 2)}


def canary_records(out: Path) -> tuple[list[dict], list[dict]]:
    """(scrubbed records as the eval trains on them, the same with every canary put back after scrubbing)."""
    from evals.test_canary import CANARIES, CONTROL_CODE, CONTROL_PREFIX, FILLER, write_raw_export
    from persona.importers import import_export

    write_raw_export(out / "raw_export")
    records = import_export("slack", out / "raw_export", "kes").records
    control = next(r for r in records if r["messages"][0]["content"] == FILLER[0][0])
    control["messages"][-1]["content"] += f" {CONTROL_PREFIX}{CONTROL_CODE}."
    planted = json.loads(json.dumps(records))
    for canary in CANARIES:
        record = next(r for r in planted if r["messages"][0]["content"] == canary.question)
        record["messages"][-1]["content"] = f"{canary.prefix}{canary.value}"
    return records, planted


def compression_answers(model, tokenizer, strategy: str) -> list[dict]:
    """Answers from the fixture conversations compressed by `strategy` (persona.summarizers), thinking off."""
    from persona.shipped import CONVERSATIONS
    from persona.compress_eval import evaluate_case, load_conversations
    from persona.infer import generate
    from persona.summarizers import NEEDS_MODEL, resolve_summarizer
    from persona.tokenizer import qwen3_tokenizer

    qwen = qwen3_tokenizer()
    summarizer = resolve_summarizer(strategy, tokenizer, model) if strategy in NEEDS_MODEL \
        else resolve_summarizer(strategy, qwen)
    contexts = [evaluate_case(c, summarizer, qwen).compressed.messages for c in load_conversations(CONVERSATIONS)]
    return [asdict(g) for g in generate(model, tokenizer, contexts, thinking=False, max_new_tokens=COMPRESSION_TOKENS,
                                        batch_size=24, label=f"compression answers ({strategy})")]


def _cached(cache: Path, key: str, make):
    """One entry of a JSON cache file, computed by make() when missing."""
    data = json.loads(cache.read_text()) if cache.exists() else {}
    if key not in data:
        data[key] = make()
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    return data[key]


def model_generations(name: str, train_file: Path | None, out: Path, cache: Path, strategies) -> dict:
    """All generations of one model (the base when train_file is None), computing only what the cache lacks."""
    from persona.models import load

    file = cache / f"{name}.json"
    wanted = [f"compressed_{s}" for s in strategies]
    data = json.loads(file.read_text()) if file.exists() else {}
    if "test" in data and all(k in data for k in wanted):
        return data
    if train_file is None:
        loaded = load(MODEL)
        model, tokenizer = loaded.model, loaded.tokenizer
    else:
        model, tokenizer = trained_model(train_file, out)
    generate_all(model, tokenizer, file, train_file or ROOT / "data/toy/train.jsonl")
    for strategy in strategies:
        _cached(file, f"compressed_{strategy}", lambda: compression_answers(model, tokenizer, strategy))
    return json.loads(file.read_text())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs/calibration.json"))
    parser.add_argument("--markdown", default=str(ROOT / "docs/calibration-tables.md"))
    parser.add_argument("--cache", default=str(ROOT / "models/cache/calibration"))
    parser.add_argument("--skip-canary", action="store_true")
    args = parser.parse_args(argv)

    from persona.summarizers import DEFAULT_STRATEGY
    from scripts.calibration_report import measure, render_markdown

    cache = Path(args.cache)
    train = [json.loads(line) for line in (ROOT / "data/toy/train.jsonl").read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        variants = {"base": None, "healthy": ROOT / "data/toy/train.jsonl",
                    "shuffled": write_records(out / "shuffled.jsonl", shuffled_answers(train)),
                    "no-reasoning": write_records(out / "no-reasoning.jsonl", reasoning_stripped(train))}
        generations = {name: model_generations(name, train_file, out, cache,
                                               [DEFAULT_STRATEGY, "model"] if name == "healthy" else [DEFAULT_STRATEGY])
                       for name, train_file in variants.items()}
        canary = {}
        if not args.skip_canary:
            scrubbed, planted = canary_records(out)
            canary = {"healthy": _cached(cache / "canary.json", "scrubbed",
                                         lambda: canary_leaks(scrubbed, out, "canary-scrubbed")),
                      "canary-after-scrub": _cached(cache / "canary.json", "planted",
                                                    lambda: canary_leaks(planted, out, "canary-planted"))}
    results = measure(generations, canary)
    Path(args.out).write_text(json.dumps(results, indent=1))
    Path(args.markdown).write_text(render_markdown(results))
    print(render_markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
