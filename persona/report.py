"""Run outputs: decision.json, test_results.txt (prompts, responses, notes) and the markdown report with plots."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from persona import estimate
from persona.criteria import CRITERIA
from persona.decision import Decision
from persona.record import machine, write_decision


def write_transcript(path: Path, transcript: list[tuple]) -> None:
    blocks = []
    for section, prompt, response, note in transcript:
        blocks.append(f"=== {section}\n--- prompt\n{prompt}\n--- response\n{response}\n--- notes\n{note}\n")
    path.write_text("\n".join(blocks) if blocks else "(no generations were run)\n", encoding="utf-8")


def plot_series(path: Path, series: dict[str, list[tuple[float, float]]], ylabel: str, title: str) -> Path | None:
    """Line plot of {label: [(step, value)]}; None when there is nothing to draw."""
    series = {k: v for k, v in series.items() if v}
    if not series:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.2))
    for label, points in series.items():
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=label)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _memory_series(log: list[dict]) -> dict[str, list[tuple[float, float]]]:
    series: dict[str, list] = {}
    for row in log:
        for name, value in (row.get("memory") or {}).items():
            series.setdefault(name, []).append((row["step"], value))
    return series


def render_report(decision: Decision, *, run, plots: dict[str, Path], phases=None) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    facts = decision.facts
    settings = getattr(getattr(run, "config", None), "run", None)  # the session's TrainConfig.run
    model = facts.model or getattr(settings, "model", "?")
    lines = [f"# Phase 0a report — {decision.verdict}", "", f"- generated: {now}", f"- model: `{model}`"
             + (f" ({facts.kind} weights)" if facts.kind else ""), f"- hardware: {facts.machine or machine()}"]
    if facts.stand_in:
        lines += [f"- **a stand-in**: the plan's model is `{facts.plan_model}`, which this run did not evaluate; "
                  f"what `{model}` measured would be {decision.own_verdict} for `{model}` itself."]
    result = getattr(run, "result", None)
    if result is not None:
        lines += [f"- backend: {result.backend}; training rows: {result.n_rows}; "
                  f"train time: {result.train_seconds:.1f} s{' (cached run reused)' if run.reused else ''}"]
        if result.source.kind != "real":
            lines += [f"- **{result.source.kind} weights**: resource figures are real for this architecture, "
                      "quality criteria are not evaluated."]
    lines += ["", "## Verdict", "", "```", decision.render(), "```", "",
              "## Criteria", "", "| criterion | result | measured | threshold | on failure | note |",
              "|---|---|---|---|---|---|"]
    for outcome in decision.outcomes:
        verdict = outcome.verdict_on_fail or CRITERIA[outcome.criterion].on_fail
        note = outcome.reason.replace("|", "\\|")[:160]
        lines.append(f"| {outcome.criterion} | {outcome.status} | {outcome.measured} | {outcome.threshold} "
                     f"| {verdict} | {note} |")
    for criterion, why in decision.not_evaluated.items():
        if not any(o.criterion == criterion for o in decision.outcomes):
            lines.append(f"| {criterion} | not run | | | {CRITERIA[criterion].on_fail} | {why} |")
    if result is not None:
        lines += ["", "## Full-project estimate", "", *estimate.markdown(decision.figures.get("estimate"))]
    if decision.figures.get("speed"):
        lines += ["", "## Speed", "", *speed_markdown(decision.figures["speed"])]
    timing = phases.markdown() if phases is not None else []
    if timing:
        lines += ["", "## Where the time went", "", *timing]
    for title, path in plots.items():
        lines += ["", f"## {title}", "", f"![{title}]({path.name})"]
    if result is not None and result.log:
        lines += ["", "## Training log", "", "| step | loss | lr | s/step |", "|---|---|---|---|"]
        lines += [f"| {r['step']} | {r['loss']:.4f} | {r['learning_rate']:.2e} | {r['seconds_per_step']:.3f} |"
                  for r in result.log]
    return "\n".join(lines) + "\n"


def write_run_report(decision: Decision, *, run_dir: Path, report_path: Path, transcript: list[tuple],
                     run=None, phases=None) -> list[Path]:
    """Write decision.json, test_results.txt (and phases.json) under run_dir, the report and plots at report_path."""
    run_dir.mkdir(parents=True, exist_ok=True)
    report_path.parent.mkdir(parents=True, exist_ok=True)
    result = getattr(run, "result", None)
    if result is not None:
        hparams = run.config.hparams
        decision.figures["estimate"] = estimate.project(
            result.log, examples_per_step=hparams.per_device_train_batch_size * hparams.gradient_accumulation_steps,
            machine=decision.facts.machine or machine())
    write_decision(decision, run_dir / "decision.json")
    write_transcript(run_dir / "test_results.txt", transcript)
    written = [run_dir / "decision.json", run_dir / "test_results.txt"]
    if phases is not None:
        phases.write(run_dir / "phases.json")
        written.append(run_dir / "phases.json")
    plots = {}
    if result is not None:
        stem = report_path.with_suffix("")
        loss = plot_series(Path(f"{stem}_loss.png"), {"training loss": [(r["step"], r["loss"]) for r in result.log]},
                           "loss", "Training loss")
        memory = plot_series(Path(f"{stem}_memory.png"), _memory_series(result.log), "GiB", "Memory over steps")
        plots = {name: path for name, path in (("Loss curve", loss), ("Memory over steps", memory)) if path}
    report_path.write_text(render_report(decision, run=run, plots=plots, phases=phases), encoding="utf-8")
    return [*written, report_path, *plots.values()]


def speed_markdown(speed: dict) -> list[str]:
    """The measured speed: tokens/s at batch 1 (timed rounds) and at the suite's batch, and seconds per step."""
    lines = ["| generation | thinking | batch | new tokens | tokens/s | seconds (mean ± sd, min-max) |",
             "|---|---|---|---|---|---|"]
    for key, row in sorted(speed.items()):
        if key.startswith(("batch1_", "suite_batch_")):
            seconds = row["seconds"]
            timed = (f"{seconds['mean']:.2f} ± {seconds['stddev']:.2f} ({seconds['min']:.2f}-{seconds['max']:.2f}, "
                     f"{seconds['rounds']} rounds)" if isinstance(seconds, dict) else f"{seconds:.1f} (one pass)")
            lines.append(f"| {'batch 1' if key.startswith('batch1') else 'suite'} | {key.rsplit('_', 1)[1]} "
                         f"| {row.get('batch', 1)} | {row['new_tokens']} | {row['tokens_per_second']} | {timed} |")
    step = speed.get("train_seconds_per_step")
    if step:
        lines += ["", f"Training: {step['mean']:.3f} s per optimizer step (sd {step['stddev']:.3f}, median "
                      f"{step['median']:.3f}, {step['min']:.3f}-{step['max']:.3f}) over {step['logged_intervals']} "
                      "logged intervals."]
    return lines

