"""`persona` command line: thin parsing over the library; errors are one clear message and a non-zero exit.

    persona evaluate [--model M]          run the Phase 0a evals; PROCEED / ADJUST / PIVOT / INCOMPLETE
    persona data check FILE...            validate JSONL, every problem as path:line
    persona data split FILE --out DIR     stratified 50/10 split with the 15/15/30 mix
    persona train [--config T] [--set NAME=VALUE]...
    persona decide JUNIT.xml              recompute the verdict from a junit report
    persona preflight [--model M]         CUDA, unsloth, model load, VRAM and time against the budgets
    persona compress FILE --json          compress old turns; persona chat: a terminal chat that does
    persona data import SOURCE PATH --me ID --out FILE.jsonl
"""
from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from persona import backends, cli_compress, cli_gpu
from persona.data import TOY_MIX, DataError
from persona.decision import EXIT_BAD_INPUT, EXIT_CODES
from persona.importers import cli as importers_cli
from persona.shipped import EVALS

EXIT_INTERRUPTED = 130
VERDICT_EXITS = ", ".join(f"{code} {verdict}" for verdict, code in EXIT_CODES.items())
EXIT_HELP = f"exit status: {VERDICT_EXITS}; {EXIT_BAD_INPUT} bad input or usage; {EXIT_INTERRUPTED} interrupted"


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_data_check(args) -> int:
    from persona.data import load_jsonl, mix

    try:
        examples = load_jsonl(*map(Path, args.files))
    except DataError as err:
        print("\n".join(err.problems), file=sys.stderr)
        print(f"{len(err.problems)} problem(s) found", file=sys.stderr)
        return 1
    counts = mix(examples)
    print(f"ok: {len(examples)} examples ({', '.join(f'{c} {counts.get(c, 0)}' for c in TOY_MIX)})")
    return 0


def cmd_data_split(args) -> int:
    from persona.data import load_jsonl, mix_shortfall, select_mix, split, write_jsonl_files

    try:
        pool = load_jsonl(Path(args.file))
    except DataError as err:
        return _fail("\n".join(err.problems))
    wanted = sum(TOY_MIX.values())
    short = mix_shortfall(pool)
    if short:
        print(f"note: the pool is short of the 15/15/30 mix ({'; '.join(short)}); splitting what there is",
              file=sys.stderr)
    chosen = select_mix(pool, seed=args.seed) if len(pool) > wanted and not short else pool
    try:
        train, test = split(chosen, n_test=args.n_test, seed=args.seed)
    except ValueError as err:
        return _fail(f"{args.file}: {err}")
    out = Path(args.out)
    try:
        write_jsonl_files({out / "train.jsonl": train, out / "test.jsonl": test})
    except OSError as err:
        return _fail(f"persona data split: {err.filename or out}: {err.strerror or err}; nothing written")
    print(f"wrote {out / 'train.jsonl'} ({len(train)}) and {out / 'test.jsonl'} ({len(test)})")
    return 0


def cmd_train(args) -> int:
    from persona.config import config_from_cli
    from persona.train import RunFinished, resume_hint, train

    config = None
    try:
        config = config_from_cli(args.config, args.set, model=args.model, backend=args.backend, train_file=args.data)
        result = train(config, resume=args.resume)
    except DataError as err:
        return _fail("training refused: the data is invalid\n" + "\n".join(err.problems))
    except RunFinished as done:
        print(f"persona train: {done}")
        return 0
    except KeyboardInterrupt:
        hint = f"; {resume_hint(config.run_dir)}" if config is not None else ""
        print(f"\npersona train: interrupted{hint}", file=sys.stderr)  # a progress bar may hold the line
        return 130
    except (ValueError, FileNotFoundError) as err:
        return _fail(f"persona train: {err}")
    except OSError as err:
        if err.errno != errno.ENOSPC or config is None:
            raise
        return _fail(f"\npersona train: disk full writing {err.filename or config.run_dir}; the partial checkpoint "
                     f"was removed; free some space, then: {resume_hint(config.run_dir)}")
    losses = result.losses
    print(f"trained {config.max_steps} steps in {result.train_seconds:.1f} s on {result.backend}; "
          f"loss {losses[0]:.3f} -> {losses[-1]:.3f}" if losses else "trained (no loss logged)")
    print(f"adapter: {result.adapter_dir}\nlog: {result.run_dir / 'training.log'}")
    return 0


def cmd_decide(args) -> int:
    from persona.decision import decide, read_junit

    try:
        decision = decide(read_junit(Path(args.junit)))
    except ValueError as err:
        return _fail(str(err))
    print(decision.render())
    return decision.exit_code


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
        return _fail(f"persona evaluate: {err}")
    junit = Path(args.junit or f"models/evaluate-{model.replace('/', '_').replace(':', '_')}.junit.xml")
    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.unlink(missing_ok=True)
    marker = eval_marker(kind_of(model), device.cuda_available())
    options = [*sum((["--set", s] for s in args.set), []), *sum((["--threshold", t] for t in args.threshold), []),
               *(["--report", args.report] if args.report else [])]
    argv = [str(EVALS), "-m", marker, "--model", model, f"--junitxml={junit}", "-p", "no:cacheprovider", "-q",
            *options, *args.pytest_args]
    code = pytest.main(argv)
    if code == pytest.ExitCode.INTERRUPTED:
        return EXIT_INTERRUPTED
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not junit.exists():
        return _fail(f"persona evaluate: pytest stopped before a decision (exit {int(code)})")
    print(f"junit record: {junit}")
    return decide(read_junit(junit)).exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="persona", description="Phase 0a persona model: train, evaluate, decide.")
    sub = parser.add_subparsers(dest="command", required=True)

    evaluate = sub.add_parser("evaluate", help="run the exit-criteria evals and print the decision",
                              description="Run the exit-criteria evals and print the decision.", epilog=EXIT_HELP)
    evaluate.add_argument("--model", default="auto",
                          help="hub id, local dir, smollm2-135m, synthetic:qwen3-1.7b, tiny or auto (Qwen3-1.7B with "
                               "CUDA, smollm2-135m without)")
    evaluate.add_argument("--junit", help="junit XML path (default models/evaluate-<model>.junit.xml)")
    evaluate.add_argument("--report", help="markdown report path (default docs/toy_project_report.md)")
    evaluate.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="training override")
    evaluate.add_argument("--threshold", action="append", default=[], metavar="ID[.NAME]=VALUE",
                          help="override a criterion's threshold, e.g. vram-train=10 (persona.criteria)")
    evaluate.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    evaluate.set_defaults(func=cmd_evaluate)

    data = sub.add_parser("data", help="dataset tools").add_subparsers(dest="data_command", required=True)
    check = data.add_parser("check", help="validate JSONL files; every problem as path:line")
    check.add_argument("files", nargs="+", metavar="FILE", help="JSONL dataset file(s), one example per line")
    check.set_defaults(func=cmd_data_check)
    split = data.add_parser("split", help="stratified train/test split with the 15/15/30 mix")
    split.add_argument("file", help="JSONL pool of examples to split")
    split.add_argument("--out", required=True, help="folder for train.jsonl and test.jsonl")
    split.add_argument("--n-test", type=int, default=10)
    split.add_argument("--seed", type=int, default=3407)
    split.set_defaults(func=cmd_data_split)
    importers_cli.register(data)

    train = sub.add_parser("train", help="fine-tune with LoRA (seed defaults)")
    train.add_argument("--config", help="TOML file with a [train] table")
    train.add_argument("--model", help="hub id, local dir, synthetic:qwen3-1.7b or tiny")
    train.add_argument("--data", help="training JSONL (default: the shipped toy set, data/toy/train.jsonl)")
    train.add_argument("--backend", choices=backends.choices())
    train.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override a setting")
    train.add_argument("--resume", action="store_true", help="continue from the last complete checkpoint")
    train.set_defaults(func=cmd_train)

    decide = sub.add_parser("decide", help="recompute the verdict from a junit XML report",
                            description="Recompute the verdict from a junit XML report written by the evals.",
                            epilog=EXIT_HELP)
    decide.add_argument("junit", help="junit XML written by persona evaluate or pytest --junitxml")
    decide.set_defaults(func=cmd_decide)
    cli_compress.register(sub)
    cli_gpu.register(sub)
    _describe(parser)
    return parser


def _describe(parser: argparse.ArgumentParser) -> None:
    """Give every subcommand without a description its one-line help as one, so `--help` says what it does."""
    for group in (a for a in parser._actions if isinstance(a, argparse._SubParsersAction)):
        for choice in group._choices_actions:
            child = group.choices[choice.dest]
            if child.description is None and choice.help:
                child.description = choice.help[0].upper() + choice.help[1:] + "."
            _describe(child)


def _leaf_parsers(parser: argparse.ArgumentParser):
    """Every parser that runs a command (has no subcommands of its own)."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        yield parser
    for group in groups:
        for child in dict.fromkeys(group.choices.values()):
            yield from _leaf_parsers(child)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    for leaf in _leaf_parsers(parser):
        leaf.set_defaults(command_parser=leaf)
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # the command's own usage, not the top-level one (exits 2)
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
