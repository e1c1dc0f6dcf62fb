"""Scores for scripts/calibrate.py: each quality criterion measured the way its eval measures it, per model,
with the per-prompt distribution, and a proposed threshold where healthy and faulty runs separate.

A criterion's measured value is one number per run; the per-prompt values show how it is made up. A
threshold is proposed at the midpoint between the healthy run and the nearest run that must fail, and only
when they separate; the margin is the distance from the threshold to either side.
"""
from __future__ import annotations

import statistics

from persona.chat import parse_output

MODELS = ("base", "healthy", "shuffled", "no-reasoning")
"""base is also fault (a), the no-op fine-tune."""
MUST_FAIL = {
    "memorization": ["base"],
    "coherence": ["shuffled"],
    "style": ["base", "shuffled"],
    "facts": ["base", "shuffled"],
    "thinking": ["base", "no-reasoning"],
    "fact-recall (answer level)": ["healthy, facts dropped by the summarizer"],
    "quality-kept": ["healthy, facts dropped by the summarizer"],
    "canary-leak": ["canary-after-scrub"],
}
"""Which runs a criterion exists to catch (the planted faults of issue 8, item 5, plus the summarizer fault)."""


COMPRESSION_ROWS = (("compressed_ledger", ""), ("compressed", "extractive summarizer"),
                    ("compressed_model", "model summarizer"), ("fact_dropped", "facts dropped by the summarizer"))
"""(generations key, row label): the default strategy (ledger) is the run's own row."""


def _answers(rows: list[dict]) -> list[str]:
    return [r["answer"] for r in rows]


def _test_sets():
    from pathlib import Path

    from persona.shipped import CONVERSATIONS
    from persona.compress_eval import load_conversations
    from persona.data import load_jsonl

    root = Path(__file__).resolve().parent.parent
    return load_jsonl(root / "data/toy/test.jsonl"), load_conversations(CONVERSATIONS)


def per_model(g: dict, base: dict, test, conversations) -> dict:
    """Measured value and per-prompt values of every criterion for one model's generations."""
    import re

    from persona.harness.answers import thinking_for
    from evals.test_quality import coherent, key_terms
    from persona.criteria import CRITERIA
    from persona.compress_eval import answer_recall, answer_similarity
    from persona.metrics import similarity

    refs = [e.messages[-1]["content"] for e in test]
    flags = [float(coherent(a, r, CRITERIA["coherence"])) for a, r in zip(_answers(g["test"]), refs)]
    answers, base_answers = _answers(g["test"]), _answers(base["test"])
    memo = [similarity(a, r) for a, r in zip(_answers(g["memorization"]), g["memorization_references"])]
    style_idx = [i for i, e in enumerate(test) if e.category != "fact"]
    style = [similarity(answers[i], refs[i]) for i in style_idx]
    base_style = statistics.fmean(similarity(base_answers[i], refs[i]) for i in style_idx)
    facts = []
    for e, a in zip(test, answers):
        if e.category == "fact":
            terms = key_terms(e.messages[-1]["content"])
            facts.append(len(terms & {w.lower() for w in re.findall(r"\b[\w'-]+\b", a)}) / len(terms))
    on = [bool(r["reasoning"]) for e, r in zip(test, g["test"]) if thinking_for(e)]
    off = [not r["reasoning"] and "<think>" not in r["text"] for r in g["think_off"]]
    plain = _answers(g["uncompressed"])
    reference = statistics.fmean(answer_recall(a, c.expected) for a, c in zip(plain, conversations))
    out = {
        "memorization": (statistics.fmean(memo[:3]), memo),
        "coherence": (statistics.fmean(flags), flags),
        "style": (statistics.fmean(style) - base_style, style),
        "facts": (statistics.fmean(facts), facts),
        "thinking": (min(statistics.fmean(on), statistics.fmean(off)), [float(x) for x in on + off]),
    }
    for key, label in COMPRESSION_ROWS:
        if key not in g:
            continue
        recalls = [answer_recall(a, c.expected) for a, c in zip(_answers(g[key]), conversations)]
        kept = [answer_similarity(a, b) for a, b in zip(_answers(g[key]), plain)]
        suffix = f", {label}" if label else ""
        out[f"fact-recall (answer level){suffix}"] = (
            statistics.fmean(recalls) / reference if reference else float("nan"), recalls)
        out[f"quality-kept{suffix}"] = (statistics.fmean(kept), kept)
    out["_extra"] = {"style_mean_similarity": statistics.fmean(style), "base_style_mean_similarity": base_style,
                     "style_gap_closed": (statistics.fmean(style) - base_style) / (1 - base_style),
                     "thinking_on_share": statistics.fmean(on), "thinking_off_clean": statistics.fmean(off),
                     "uncompressed_answer_recall": reference,
                     "lowercase_start_share": statistics.fmean(a[:1].islower() for a in answers if a),
                     "person_lowercase_start_share": statistics.fmean(r[:1].islower() for r in refs),
                     "reasoning_rows_parsed": sum(bool(parse_output(r["text"]).reasoning) for r in g["test"])}
    return out


def _summary(values: list[float]) -> dict:
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "n": len(values)}


def measure(generations: dict, canary: dict) -> dict:
    """{criterion: {run: {measured, per_prompt summary}}, ..., "proposed": {criterion: threshold/margin}}."""
    test, conversations = _test_sets()
    rows = {name: per_model(generations[name], generations["base"], test, conversations)
            for name in MODELS if name in generations}
    results: dict = {"criteria": {}, "extra": {name: r.pop("_extra") for name, r in rows.items()}}
    for name, scores in rows.items():
        for criterion, (measured, values) in scores.items():
            run = name
            if ", " in criterion:
                criterion, label = criterion.split(", ", 1)
                run = f"{name}, {label}"
            results["criteria"].setdefault(criterion, {})[run] = {"measured": measured, **_summary(values)}
    for run, leak in canary.items():
        results["criteria"].setdefault("canary-leak", {})[run] = {
            "measured": leak["count"], "min": leak["count"], "median": leak["count"], "max": leak["count"], "n": 1,
            "detail": leak}
    results["proposed"] = {c: propose(c, runs) for c, runs in results["criteria"].items()}
    return results


def propose(criterion: str, runs: dict) -> dict:
    """Midpoint between the healthy run and the nearest run that must fail (lower is worse, but for canary-leak);
    NaN (a run the eval would skip: no uncompressed recall to compare with) counts as not measured."""
    fail = [runs[r]["measured"] for r in MUST_FAIL.get(criterion, [])
            if r in runs and runs[r]["measured"] == runs[r]["measured"]]
    if "healthy" not in runs or not fail:
        return {"separates": None, "note": "no healthy run or no run that must fail was measured"}
    healthy = runs["healthy"]["measured"]
    if criterion == "canary-leak":
        worst = min(fail)
        return {"separates": worst > healthy, "threshold": healthy, "direction": "<=",
                "margin": worst - healthy}
    worst = max(fail)
    if not healthy > worst:
        return {"separates": False, "healthy": healthy, "nearest_failing": worst}
    return {"separates": True, "threshold": round((healthy + worst) / 2, 3), "direction": ">=",
            "margin": round((healthy - worst) / 2, 3)}


def render_markdown(results: dict) -> str:
    lines = ["# Calibration on real weights: smollm2-135m on CPU", "",
             "Generated by `python scripts/calibrate.py` (numbers below are its output, not edited). `measured` is",
             "the value the eval records for the run; min / median / max are over its prompts. base = no fine-tune,",
             "which is also fault (a), the no-op fine-tune (LoRA's B starts at zero).", ""]
    for criterion, runs in results["criteria"].items():
        lines += [f"## {criterion}", "", "| run | measured | min | median | max | n |", "|---|---|---|---|---|---|"]
        for run, v in runs.items():
            lines.append(f"| {run} | {v['measured']:.3f} | {v['min']:.3f} | {v['median']:.3f} | {v['max']:.3f} | "
                         f"{v['n']} |")
        p = results["proposed"][criterion]
        if p.get("separates"):
            lines.append(f"\nSeparating midpoint: {p['direction']} {p['threshold']} (margin {p['margin']}); must fail: "
                         f"{', '.join(MUST_FAIL[criterion])}.")
        else:
            lines.append(f"\nDoes not separate: {p}; must fail: {', '.join(MUST_FAIL.get(criterion, []))}.")
        lines.append("")
    lines += ["## Other figures", "", "| run | " + " | ".join(next(iter(results["extra"].values()))) + " |",
              "|---|" + "---|" * len(next(iter(results["extra"].values())))]
    for run, extra in results["extra"].items():
        lines.append(f"| {run} | " + " | ".join(f"{v:.3f}" for v in extra.values()) + " |")
    return "\n".join(lines) + "\n"
