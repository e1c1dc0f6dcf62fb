"""`persona` command line: thin parsing over the library; errors are one clear message and a non-zero exit.

    persona evaluate [--model M]          run the Phase 0a evals; PROCEED / ADJUST / PIVOT / INCOMPLETE
    persona data check FILE...            validate JSONL, every problem as path:line
    persona data split FILE --out DIR     stratified 50/10 split with the 15/15/30 mix
    persona train [--config T] [--set NAME=VALUE]...
    persona decide JUNIT.xml              recompute the verdict from a junit report
    persona preflight [--model M]         CUDA, unsloth, model load, VRAM and time against the budgets
    persona compress FILE --json          compress old turns; persona chat: a terminal chat that does
    persona data import SOURCE PATH --me ID --out FILE.jsonl
    persona export RUN --format merged|gguf --out DIR   export a run, checked against it

One module per command group (data, train, evaluate with decide, compress with chat, preflight, export), each adding
its parsers and holding its commands; their errors go through `persona.cli.exits.fail`. Nothing heavy is
imported until a command runs, so `persona --help` stays quick.
"""
from __future__ import annotations

import argparse
from collections.abc import Iterator

from persona.cli.compress import add_chat, add_compress
from persona.cli.data import add_data
from persona.cli.evaluate import add_decide, add_evaluate
from persona.cli.exits import EXIT_INTERRUPTED
from persona.cli.export import add_export
from persona.cli.preflight import add_preflight
from persona.cli.train import add_train

COMMANDS = (add_evaluate, add_data, add_train, add_decide, add_compress, add_chat, add_preflight, add_export)
"""One adder per top-level command, in the order `persona --help` lists them."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="persona", description="Phase 0a persona model: train, evaluate, decide.")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    for command, help_text in _commands(parser):
        if command.description is None and help_text:  # so that `persona X --help` says what X does
            command.description = help_text[0].upper() + help_text[1:] + "."
    return parser


def _subcommand_groups(parser: argparse.ArgumentParser) -> list[argparse._SubParsersAction]:
    return [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]


def _commands(parser: argparse.ArgumentParser) -> Iterator[tuple[argparse.ArgumentParser, str | None]]:
    """(parser, one-line help) for every subcommand under `parser`, depth first; each once, aliases or not."""
    for group in _subcommand_groups(parser):
        helps = {choice.dest: choice.help for choice in group._choices_actions}
        first_names: dict[argparse.ArgumentParser, str] = {}
        for name, child in group.choices.items():
            first_names.setdefault(child, name)
        for child, name in first_names.items():
            yield child, helps.get(name)
            yield from _commands(child)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    for command, _ in _commands(parser):
        if not _subcommand_groups(command):  # a command that runs, rather than a group of them
            command.set_defaults(command_parser=command)
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # the command's own usage, not the top-level one (exits 2)
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
