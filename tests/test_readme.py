"""The README is true: its commands parse as written, the quick ones run as written (in a copy of the
repository's data, so nothing here is written over), and its JSON example passes `persona data check`."""
from __future__ import annotations

import json
import re
import shlex
import shutil

import pytest

from persona import cli
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
RUNS_HERE = ("data check", "data split", "data import", "compress")
"""Commands quick enough to run in the unit tests; the rest (training, chat, evaluate) are parsed only."""


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def _commands() -> list[list[str]]:
    lines = [line for block in _blocks("bash") for line in block.splitlines() if line.strip()]
    commands = [shlex.split(line, comments=True) for line in lines]
    return [argv for argv in commands if argv]


PERSONA = [argv[1:] for argv in _commands() if argv[0] == ".venv/bin/persona"]


def test_the_readme_names_its_commands():
    assert len(PERSONA) >= 8, PERSONA
    assert {" ".join(argv[:2]) for argv in PERSONA} >= {"data check", "data split", "data import"}
    for argv in _commands():
        if argv[0] == "bash":
            assert (ROOT / argv[1]).is_file(), f"{argv[1]} is named in the README but missing"


@pytest.mark.parametrize("argv", PERSONA, ids=lambda argv: " ".join(argv[:2]))
def test_every_persona_command_in_the_readme_parses(argv):
    args = cli.build_parser().parse_args(argv)
    assert callable(args.func)


@pytest.mark.parametrize("argv", [a for a in PERSONA if " ".join(a[:2]).startswith(RUNS_HERE)],
                         ids=lambda argv: " ".join(argv[:2]))
def test_quick_readme_commands_run_as_written(argv, tmp_path, monkeypatch, capsys):
    for folder in ("data", "fixtures"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(tmp_path)
    code = cli.main(argv)
    assert code == 0, f"`persona {' '.join(argv)}` exited {code}: {capsys.readouterr().err}"


def test_the_readme_json_example_is_one_valid_example(tmp_path, capsys):
    [block] = _blocks("json")
    lines = block.strip().splitlines()
    assert len(lines) == 1 and json.loads(lines[0]), "a JSONL example is one line"
    path = tmp_path / "example.jsonl"
    path.write_text(block, encoding="utf-8")
    assert cli.main(["data", "check", str(path)]) == 0, capsys.readouterr().err


def test_a_typo_in_a_subcommand_option_prints_that_subcommand_usage(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["data", "check", "x.jsonl", "--nope"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.startswith("usage: persona data check") and "--nope" in err, err


def test_every_subcommand_says_what_it_does():
    parser = cli.build_parser()
    for name in ("data check", "data split", "data import", "decide", "train", "compress", "evaluate"):
        sub = parser
        for word in name.split():
            sub = next(a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction").choices[word]
        assert sub.description, f"`persona {name} --help` has no description"
