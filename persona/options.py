"""The options every entry point that trains shares: --model, --config, --backend, --set.

`persona train`, `persona preflight`, `persona evaluate` and the pytest harness add them through
`add_run_options`, given the function that adds one option: argparse's `parser.add_argument` or pytest's
`group.addoption`, which take the same arguments. Each option has one help text; what differs between entry
points is passed in (the --model default and what its "auto" means, which options an entry point has, and
whether argparse itself rejects an unknown backend).
"""
from __future__ import annotations

from typing import Callable

from persona import backends
from persona.models import DEFAULT_MODEL

RUN_OPTIONS = ("--model", "--config", "--backend", "--set")
"""In the order they are added (and listed by --help)."""
MODEL_HELP = "hub id, local dir, smollm2-135m, synthetic:qwen3-1.7b or tiny"
"""The --model values every entry point accepts; the common named sources, written out by hand."""
CONFIG_HELP = "TOML file with a [train] table"
SET_HELP = "override a training setting, e.g. --set learning_rate=1e-4 (repeatable)"


def add_run_options(add: Callable[..., object], *, only: tuple[str, ...] = RUN_OPTIONS, auto: str | None = None,
                    check_backend: bool = True) -> None:
    """Add the shared options through `add` (`add_argument` or `addoption`).

    `only` picks the ones an entry point has. With `auto`, --model defaults to "auto" and `auto` says what it
    stands for there; without it, --model defaults to None: the [train] table's model, else DEFAULT_MODEL.
    `check_backend` lets argparse reject an unknown --backend; the harness leaves it to the config's check.
    """
    options = {
        "--model": _model_option(auto),
        "--config": dict(default=None, help=CONFIG_HELP),
        "--backend": dict(default=None, help=f"{backends.choices_text()} (default: the [train] table's, else "
                                             f"{backends.AUTO}, the best one this machine can run)",
                          **({"choices": backends.choices()} if check_backend else {})),
        "--set": dict(action="append", default=[], metavar="NAME=VALUE", help=SET_HELP),
    }
    unknown = set(only) - set(options)
    if unknown:
        raise ValueError(f"not a shared option: {', '.join(sorted(unknown))}; known: {', '.join(RUN_OPTIONS)}")
    for name in RUN_OPTIONS:
        if name in only:
            add(name, **options[name])


def _model_option(auto: str | None) -> dict:
    if auto is None:
        return dict(default=None, help=f"{MODEL_HELP} (default: the [train] table's, else {DEFAULT_MODEL})")
    return dict(default="auto", help=f"{MODEL_HELP}; auto (the default) = {auto}")
