"""`persona train [--config T] [--set NAME=VALUE]...`: fine-tune once, outside the evals.

A bad setting or bad data is one message and exit 2, and so is a secret-shaped value in the data
(`path:line` and its kind; `--allow-secrets` trains anyway); Ctrl-C and a full disk say how to resume.
"""
from __future__ import annotations

import errno
import sys
from pathlib import Path

from persona.cli.exits import EXIT_INTERRUPTED, fail
from persona.data import DataError
from persona.options import add_run_options


def add_train(subparsers) -> None:
    train = subparsers.add_parser("train", help="fine-tune with LoRA (seed defaults)")
    add_run_options(train.add_argument)
    train.add_argument("--data", help="training JSONL (default: the shipped toy set, data/toy/train.jsonl)")
    train.add_argument("--resume", action="store_true", help="continue from the last complete checkpoint")
    train.add_argument("--allow-secrets", action="store_true",
                       help="train even when the scan finds secret-shaped values in the data (deliberate canaries)")
    train.set_defaults(func=cmd_train)


def cmd_train(args) -> int:
    from persona.config import config_from_cli
    from persona.importers.scrub.scan import refusal, scan_training_file
    from persona.train import RunFinished, resume_hint, train

    config = None
    try:
        config = config_from_cli(args.config, args.set, model=args.model, backend=args.backend, train_file=args.data)
        findings = scan_training_file(Path(config.run.train_file))
        if findings and not args.allow_secrets:
            return fail("persona train: training refused\n" + refusal(findings))
        result = train(config, resume=args.resume)
    except DataError as err:
        return fail("training refused: the data is invalid\n" + "\n".join(err.problems))
    except RunFinished as done:
        print(f"persona train: {done}")
        return 0
    except KeyboardInterrupt:
        hint = f"; {resume_hint(config.run_dir)}" if config is not None else ""
        print(f"\npersona train: interrupted{hint}", file=sys.stderr)  # a progress bar may hold the line
        return EXIT_INTERRUPTED
    except (ValueError, FileNotFoundError) as err:
        return fail(f"persona train: {err}")
    except OSError as err:
        if err.errno != errno.ENOSPC or config is None:
            raise
        return fail(f"\npersona train: disk full writing {err.filename or config.run_dir}; the partial checkpoint "
                    f"was removed; free some space, then: {resume_hint(config.run_dir)}")
    losses = result.losses
    print(f"trained {config.hparams.max_steps} steps in {result.train_seconds:.1f} s on {result.backend}; "
          f"loss {losses[0]:.3f} -> {losses[-1]:.3f}" if losses else "trained (no loss logged)")
    print(f"adapter: {result.adapter_dir}\nlog: {result.run_dir / 'training.log'}")
    return 0
