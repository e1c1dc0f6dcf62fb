"""Calibration of the quality criteria on real weights (smollm2-135m on CPU), through the harness itself.

    python scripts/calibrate.py [--seeds 3407 11 23] [--out docs/calibration.json] [--markdown docs/calibration-tables.md]
                                [--work DIR] [--no-training-faults] [--cuda]

1. The healthy fine-tune, once per training seed, and two training faults ((b) answers shuffled across prompts,
   (c) decisions with their reasoning stripped): `pytest evals -m cpu_real` on the answer-level criteria, each run
   writing its answers.jsonl (base-model answers included: greedy decoding makes them the same for every seed).
2. Variants of the first healthy run's answers (tests/degenerate.py): the base model in the fine-tune's place
   (fault (a), a no-op fine-tune) and the degenerate outputs.
3. Every answers file scored by the same criteria with `--persona-answers`, nothing regenerated: per criterion the
   estimate, its 95% interval, n and the outcome, written as JSON and as the tables in docs/calibration-tables.md.
Training runs are cached (models/cache/runs), so a second call only re-scores.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.degenerate import FAULTS, write_variant  # noqa: E402
from tests.faults import reasoning_stripped, shuffled_answers  # noqa: E402
from tests.meta import run_evals  # noqa: E402
from tests.test_real_faults import ANSWER_LEVEL, MODEL, TIMEOUT, _train_file  # noqa: E402


def junit_rows(junit: Path) -> dict:
    """criterion test -> {status, estimate, interval, n, measured} from a junit file."""
    rows = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
        if "criterion" not in props:
            continue
        status = "failed" if case.find("failure") is not None else "skipped" if case.find("skipped") is not None \
            else "errored" if case.find("error") is not None else "passed"
        skipped = case.find("skipped")
        if skipped is not None and (skipped.get("message") or "").startswith("undecided"):
            status = "undecided"
        rows[case.get("name")] = {"criterion": props["criterion"], "status": status,
                                  **{k: props.get(k, "") for k in ("estimate", "interval", "n", "measured")}}
    return rows


def answers_of(out: Path) -> Path:
    [found] = sorted(out.glob("models/*/answers.jsonl"))
    return found


def generate_runs(out: Path, seeds: list[int], training_faults: bool = True, cuda: bool = False) -> dict[str, Path]:
    runs = {}
    for seed in seeds:
        run_evals(out / f"healthy-{seed}", *MODEL, "--persona-set", f"seed={seed}", "-k", ANSWER_LEVEL, marker="cpu_real",
                  timeout=TIMEOUT, cuda=cuda)
        runs[f"healthy seed {seed}"] = answers_of(out / f"healthy-{seed}")
    for name, transform in (("(b) shuffled answers", shuffled_answers), ("(c) reasoning stripped", reasoning_stripped)
                            ) if training_faults else ():
        folder = out / name.split()[0].strip("()")
        folder.mkdir(parents=True, exist_ok=True)
        run_evals(folder, *MODEL, "--persona-train-data", _train_file(folder, transform), "-k", ANSWER_LEVEL,
                  marker="cpu_real", timeout=TIMEOUT, cuda=cuda)
        runs[name] = answers_of(folder)
    return runs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[3407, 11, 23])
    parser.add_argument("--out", type=Path, default=ROOT / "docs/calibration.json")
    parser.add_argument("--markdown", type=Path, default=ROOT / "docs/calibration-tables.md")
    parser.add_argument("--work", type=Path, default=None, help="keep the runs here (default: a temporary folder)")
    parser.add_argument("--no-training-faults", dest="training_faults", action="store_false",
                        help="train the healthy seeds only, not faults (b) and (c)")
    parser.add_argument("--cuda", action="store_true", help="train and generate on the GPU when there is one "
                                                            "(default: the CPU, as the real-weights suite runs)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="calibrate-"))
    runs = generate_runs(work, args.seeds, args.training_faults, args.cuda)
    first = runs[f"healthy seed {args.seeds[0]}"]
    for fault in ["base", *sorted(FAULTS)]:
        label = "(a) base model (no-op fine-tune)" if fault == "base" else f"degenerate: {fault}"
        runs[label] = write_variant(first, fault, work / f"{fault}.jsonl")
    results = {}
    for label, answers in runs.items():
        folder = work / "scored" / label.replace(" ", "_").replace("(", "").replace(")", "").replace(":", "")
        folder.mkdir(parents=True, exist_ok=True)
        decision = run_evals(folder, *MODEL, "--persona-answers", str(answers), "-k", ANSWER_LEVEL, marker="cpu_real",
                             timeout=TIMEOUT)
        results[label] = {"verdict": decision.verdict, "tests": junit_rows(folder / "junit.xml")}
        print(label, decision.verdict, flush=True)
    args.out.write_text(json.dumps(results, indent=1))
    args.markdown.write_text(render(results, args.cuda))
    print(f"wrote {args.out} and {args.markdown}")
    return 0


def render(results: dict, cuda: bool = False) -> str:
    tests = sorted({t for r in results.values() for t in r["tests"]})
    import os

    from persona.record import machine

    where = machine() if cuda else f"CPU only, {os.cpu_count()} cores"  # without --cuda the runs hide any GPU
    lines = ["# Calibration tables", "", f"Written by `python scripts/calibrate.py` (smollm2-135m, {where}): "
             "each cell is the estimate, its 95% interval and the outcome (pass / FAIL / undecided / skipped).", ""]
    for test in tests:
        lines += [f"## {test}", "", "| run | estimate | 95% interval | n | outcome |", "|---|---|---|---|---|"]
        for label, r in results.items():
            row = r["tests"].get(test)
            if row:
                outcome = {"failed": "FAIL"}.get(row["status"], row["status"])
                lines.append(f"| {label} | {row['estimate'] or row['measured']} | {row['interval']} | {row['n']} | "
                             f"{outcome} |")
        lines.append("")
    lines += ["## Verdicts", "", "| run | verdict |", "|---|---|"]
    lines += [f"| {label} | {r['verdict']} |" for label, r in results.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
