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
    evaluate.add_argument("--allow-secrets", action="store_true",
                          help="train even when the scan finds secret-shaped values in the training data")
    evaluate.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
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


def cmd_evaluate(args) -> int:
    """Run `pytest evals` in-process with a junit record; exit with the verdict's code."""
    import pytest

    from persona import device
    from persona.decision import decide, read_junit
    from persona.models import SMOLLM2, auto_model, check_loadable, kind_of

    model = args.model
    if model == "auto":
        model = auto_model()
        if model == SMOLLM2:
            print(f"persona: no CUDA GPU visible — fine-tuning {SMOLLM2} (real weights, LoRA) on CPU; the VRAM and "
                  "time criteria need a CUDA GPU. Run on a GPU for the decision about Qwen3-1.7B.")
    try:
        check_loadable(model)
    except ValueError as err:
        return fail(f"persona evaluate: {err}")
    junit = Path(args.junit or f"models/evaluate-{model.replace('/', '_').replace(':', '_')}.junit.xml")
    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.unlink(missing_ok=True)
    marker = eval_marker(kind_of(model), device.cuda_available())
    options = [*sum((["--set", s] for s in args.set), []), *sum((["--threshold", t] for t in args.threshold), []),
               *(["--report", args.report] if args.report else []), *(["--allow-secrets"] if args.allow_secrets else [])]
    argv = [str(EVALS), "-m", marker, "--model", model, f"--junitxml={junit}", "-p", "no:cacheprovider", "-q",
            *options, *args.pytest_args]
    code = pytest.main(argv)
    if code == pytest.ExitCode.INTERRUPTED:
        return EXIT_INTERRUPTED
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not junit.exists():
        return fail(f"persona evaluate: pytest stopped before a decision (exit {int(code)})")
    print(f"junit record: {junit}")
    return decide(read_junit(junit)).exit_code


def cmd_decide(args) -> int:
    from persona.decision import decide, read_junit

    try:
        decision = decide(read_junit(Path(args.junit)))
    except ValueError as err:
        return fail(str(err))
    print(decision.render())
    return decision.exit_code
