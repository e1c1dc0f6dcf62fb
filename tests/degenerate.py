"""Degenerate outputs planted at the answers level: each takes a run's answers.jsonl and replaces the fine-tuned
model's answers (the base model's stay, as the controls), so the harness can score them with --persona-answers and no
training. Each must fail at least one quality criterion, and none may get a milder verdict than the healthy run.

    python -c "from tests.degenerate import write_variant; ..."   # used by tests/test_real_faults.py, calibrate.py
"""
from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

from persona.shipped import TOY_DATA

LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
         "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip.")
_STOP = "the and i to a it of is that for in you we but on with so not be this just it's was have my".split()


def _frequent(rows: list[dict], n: int = 60) -> str:
    counts = Counter(w for r in _training_answers() for w in r.lower().split())
    return " ".join(_STOP + [w for w, _ in counts.most_common(n)])


def _training_answers() -> list[str]:
    lines = (TOY_DATA / "train.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["messages"][-1]["content"] for line in lines if line.strip()]


def _wrong_facts(row: dict, probes: dict) -> str:
    """The answer as given, with every key fact swapped for a contradicting value (probes only)."""
    probe = probes.get(row["id"]) if row["set"] == "probes" else None
    if probe is None or not probe["wrong"]:
        return row["text"]
    text = row["text"]
    for variants in probe["facts"]:
        for variant in variants:
            text = re.sub(re.escape(variant), probe["wrong"][0], text, flags=re.I)
    return text if probe["wrong"][0].lower() in text.lower() else f"{text} it's {probe['wrong'][0]}, fwiw"


def _prompt(row: dict) -> str:
    return row["messages"][-1]["content"] if row.get("messages") else ""


FAULTS = {
    "constant": lambda row, ctx: ctx["constant"],
    "echo": lambda row, ctx: _prompt(row),
    "other-answer": lambda row, ctx: ctx["rng"].choice(ctx["answers"]),
    "lorem-ipsum": lambda row, ctx: LOREM,
    "empty": lambda row, ctx: "",
    "think-no-answer": lambda row, ctx: "<think>Let me weigh the options here: what it costs, what it risks, and "
                                        "whether it can be undone later.</think>",
    "loop": lambda row, ctx: "i think i think i think i think i think i think i think i think i think i think",
    "facts-wrong": lambda row, ctx: _wrong_facts(row, ctx["probes"]),
}
"""Fault name -> the fine-tuned text it puts in place of each answer."""


def variant(rows: list[dict], fault: str, seed: int = 7) -> list[dict]:
    """The rows with the fine-tuned answers replaced by `fault`'s (base rows untouched); "base" puts the base
    model's answers in the fine-tune's place (a no-op fine-tune, scored without training anything)."""
    if fault == "base":
        return _base_as_tuned(rows)
    probes = [json.loads(line) for line in (TOY_DATA / "probes.jsonl").read_text().splitlines() if line.strip()]
    ctx = {"constant": _frequent(rows), "rng": random.Random(seed), "answers": _training_answers(),
           "probes": {p["id"]: p for p in probes}}
    make = FAULTS[fault]
    return [{**r, "text": make(r, ctx)} if r["model"] == "fine-tuned" else r for r in rows]


def _base_as_tuned(rows: list[dict]) -> list[dict]:
    base = {(r["set"], r["id"], r["thinking"]): r for r in rows if r["model"] == "base"}
    out = [r for r in rows if r["model"] == "base"]
    for r in rows:  # an answer the base model was never asked for is left out: its criterion goes unmeasured
        twin = base.get((r["set"], r["id"], r["thinking"])) if r["model"] == "fine-tuned" else None
        if twin:
            out.append({**r, "text": twin["text"]})
    return out


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def write_variant(answers: Path, fault: str, out: Path) -> Path:
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in variant(read_rows(answers), fault)),
                   encoding="utf-8")
    return out
