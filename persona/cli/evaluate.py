"""`persona evaluate` and `persona decide`: the commands that end in a verdict and exit with its code.

    persona evaluate [--model M]     run the Phase 0a evals; PROCEED / ADJUST / PIVOT / INCOMPLETE
    persona decide JUNIT.xml         recompute the verdict from a junit report
"""
from __future__ import annotations

from pathlib import Path

from persona.cli.exits import EXIT_HELP, EXIT_INTERRUPTED, fail
from persona.options import add_run_options
from persona.shipped import EVALS


def add_evaluate(subparsers) -> None:
    evaluate = subparsers.add_parser("evaluate", help="run the exit-criteria evals and print the decision",
                                     description="Run the exit-criteria evals and print the decision.",
                                     epilog=EXIT_HELP)
    add_run_options(evaluate.add_argument, only=("--model", "--set"),
                    auto="Qwen3-1.7B with CUDA, smollm2-135m without")
    evaluate.add_argument("--junit", help="junit XML path (default models/evaluate-<model>.junit.xml)")
    evaluate.add_argument("--report", help="markdown report path (default docs/toy_project_report.md)")
    evaluate.add_argument("--threshold", action="append", default=[], metavar="ID[.NAME]=VALUE",
                          help="override a criterion's threshold, e.g. vram-train=10 (persona.criteria)")
    evaluate.add_argument("-v", "--verbose", action="store_true",
                          help="show pytest's failures and tracebacks (the junit and test_results.txt keep them)")
    evaluate.add_argument("--allow-secrets", action="store_true",
                          help="train even when the scan finds secret-shaped values in the training data")
    evaluate.add_argument("pytest_args", nargs="*",
                          help="extra pytest arguments (after --; the harness's own are --persona-*)")
    evaluate.set_defaults(func=cmd_evaluate)


def add_decide(subparsers) -> None:
    decide = subparsers.add_parser("decide", help="recompute the verdict from a junit XML report",
                                   description="Recompute the verdict from a junit XML report written by the evals.",
                                   epilog=EXIT_HELP)
    decide.add_argument("junit", help="junit XML written by persona evaluate or pytest --junitxml")
    decide.set_defaults(func=cmd_decide)


def eval_marker(kind: str, cuda: bool) -> str:
    """The eval selection for a run: everything a GPU can settle, else what real or tiny weights can on CPU."""
    return "gpu" if cuda else "cpu_real" if kind == "real" else "cpu_smoke"


class _KeepDecision:
    """Holds on to the decision the harness made, printed and wrote at the end of the session."""
    decision = None

    def pytest_unconfigure(self, config):
        self.decision = getattr(config, "persona_decision", None)


def cmd_evaluate(args) -> int:
    """Run `pytest evals` in-process with a junit record; exit with the code of the decision it printed."""
    import pytest

    from persona import device
    from persona.models import SMOLLM2, check_loadable, choose_model

    choice = choose_model(args.model)
    model = choice.model
    if choice.stand_in:
        print(f"persona: no CUDA GPU visible: fine-tuning {model} (real weights, LoRA) on CPU as a stand-in for "
              f"{choice.plan_model}; the decision about {choice.plan_model} stays INCOMPLETE, and what {SMOLLM2} "
              "measured is reported apart. Run on a CUDA GPU for the decision about the plan's model.")
    try:
        check_loadable(model, kind=choice.kind)
    except ValueError as err:
        return fail(f"persona evaluate: {err}")
    junit = Path(args.junit or f"models/evaluate-{model.replace('/', '_').replace(':', '_')}.junit.xml")
    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.unlink(missing_ok=True)
    marker = eval_marker(choice.kind, device.cuda_available())
    options = [*sum((["--persona-set", s] for s in args.set), []),
               *sum((["--persona-threshold", t] for t in args.threshold), []),
               *(["--persona-report", args.report] if args.report else []),
               *(["--persona-allow-secrets"] if args.allow_secrets else [])]
    quiet = [] if args.verbose else ["--tb=no", "-rN", "--no-header", "--disable-warnings"]
    argv = [str(EVALS), "-m", marker, "--persona-model", args.model, f"--junitxml={junit}", "-p", "no:cacheprovider",
            "-q", *quiet, *options, *args.pytest_args]
    keep = _KeepDecision()
    code = pytest.main(argv, plugins=[keep])
    if code == pytest.ExitCode.INTERRUPTED:
        return EXIT_INTERRUPTED
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or keep.decision is None:
        return fail(f"persona evaluate: pytest stopped before a decision (exit {int(code)})")
    print(f"junit record: {junit}{'' if args.verbose else ' (the failures in full: persona evaluate -v)'}")
    return keep.decision.exit_code


def cmd_decide(args) -> int:
    from persona.record import decide_junit

    try:
        decision = decide_junit(Path(args.junit))
    except ValueError as err:
        return fail(str(err), one_line=True)
    print(decision.render())
    return decision.exit_code
