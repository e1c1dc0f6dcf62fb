"""The decision in words: what it is about, each criterion's result, what a stand-in measured, the overrides,
what would complete an incomplete decision, and the seed's items left to the user.

    DECISION: INCOMPLETE
      about: unsloth/Qwen3-1.7B, the plan's model: not evaluated; smollm2-135m stood in for it (...)

Reads a persona.decision.Decision (and its record of the criteria as judged); decides nothing.
"""
from __future__ import annotations

from collections import defaultdict

from persona.verdicts import INCOMPLETE, NOT_RUN, UNDECIDED, YOUR_CALL


def render(decision) -> str:
    facts = decision.facts
    lines = [f"DECISION: {decision.verdict}", *_about(decision)]
    if facts.stand_in:
        lines += ["", f"What the stand-in {facts.model} measured (a verdict about that model, not about "
                      f"{facts.plan_model}):",
                  f"  would be {decision.own_verdict} for {facts.model}"]
    lines += _criteria_lines(decision)
    if decision.own_verdict == INCOMPLETE:
        lines += ["", *completion_hints(decision)]
    lines += ["", "your call (the seed's judgements; no run measures them):"]
    lines += [f"  - {words} ({where})" for where, words in YOUR_CALL]
    return "\n".join(lines)


def _about(decision) -> list[str]:
    facts = decision.facts
    if not facts.model:  # an older junit record that names no model
        return ["  about: the model of this junit record (it names none)"]
    kind = f"{facts.kind} weights" if facts.kind else "weights of unknown kind"
    if facts.stand_in:
        lines = [f"  about: {facts.plan_model}, the plan's model: NOT evaluated. This run fine-tuned {facts.model} "
                 f"({kind}) in its place, because this machine cannot train the plan's model;",
                 f"         run on a CUDA GPU to decide about {facts.plan_model}, or name a model with --model."]
    else:
        lines = [f"  about: {facts.model} ({kind}), the model this run was asked to evaluate"]
    machine = facts.machine or "unknown machine"
    version = f"persona {facts.persona_version}" if facts.persona_version else "persona"
    lines.append(f"  on: {machine}; {version}{f' (commit {facts.commit[:10]})' if facts.commit else ''}")
    lines += override_lines(decision)
    return lines


def override_lines(decision) -> list[str]:
    """Each --threshold the run used, with the criterion's version as judged."""
    lines = []
    for override in decision.facts.overrides:
        criterion = override.partition("=")[0].partition(".")[0].strip()
        judged = decision.criteria.get(criterion, {})
        lines.append(f"  override: --threshold {override} (criterion version {judged.get('version', '?')})")
        lines += [f"            {note}" for note in judged.get("override_notes", ())]
    return lines


def _criteria_lines(decision) -> list[str]:
    lines = []
    for criterion, verdict in decision.failing.items():
        failed = [o for o in decision.outcomes if o.criterion == criterion and o.status == "failed"]
        reason = failed[0].reason if failed else ""
        lines.append(f"  failed  {criterion:16s} -> {verdict}: {reason}{_figures(failed)}")
    for criterion, why in decision.errored.items():
        lines.append(f"  errored  {criterion:15s} {why}")
    if decision.passed:
        lines.append(f"  passed  {', '.join(decision.passed)}")
    for criterion, why in decision.not_evaluated.items():
        if why.startswith(UNDECIDED):
            mine = [o for o in decision.outcomes if o.criterion == criterion and o.reason.startswith(UNDECIDED)]
            lines.append(f"  undecided  {criterion:13s} needs more prompts: {why.removeprefix(UNDECIDED).strip()}"
                         f"{_figures(mine)}")
        else:
            lines.append(f"  not evaluated  {criterion:16s} {why}")
    return lines


def _figures(outcomes) -> str:
    """" [n=40, 0.42 in 0.31..0.55, vs base, shuffled]" from the first outcome that has a sample."""
    for o in outcomes:
        if o.n is None and not o.interval:
            continue
        parts = [f"n={o.n}"] if o.n is not None else []
        if o.estimate is not None:
            parts.append(f"{o.estimate:.3g}" + (f" in {o.interval}" if o.interval else ""))
        elif o.interval:
            parts.append(f"interval {o.interval}")
        if o.controls:
            parts.append("vs " + ", ".join(c.strip() for c in o.controls.split(",")))
        return f" [{', '.join(parts)}]"
    return ""


def completion_hints(decision) -> list[str]:
    """Why the decision about the evaluated model is incomplete, and what would complete it."""
    if decision.failing:
        lines = ["Measured failures alone would give ADJUST, but the decision is incomplete:"]
    else:
        lines = ["Everything that was measured passed, but the decision is incomplete:"]
    if decision.unmeasured_pivots:
        lines.append(f"  - {', '.join(decision.unmeasured_pivots)}: can decide PIVOT and "
                     f"{'were' if len(decision.unmeasured_pivots) > 1 else 'was'} not measured; no milder verdict "
                     "stands without them")
    if decision.errored:
        lines.append(f"  - {', '.join(decision.errored)} raised an error (a broken tool or setup, not a "
                     "measurement): fix it and run again")
    needs = defaultdict(list)
    for criterion, why in decision.not_evaluated.items():
        if why.startswith(UNDECIDED):
            needs["more prompts (its interval straddles its bar)"].append(criterion)
            continue
        requirement = decision.criteria.get(criterion, {}).get("needs", "any machine")
        if requirement == "any machine":  # nothing stops it here: the selection left it out
            requirement = "a run that selects it (no -m / -k leaving it out)"
        elif why == NOT_RUN:
            requirement += " (not selected in this run)"
        needs[requirement].append(criterion)
    for requirement, ids in needs.items():
        lines.append(f"  - {', '.join(ids)}: {'need' if len(ids) > 1 else 'needs'} {requirement}")
    return lines
