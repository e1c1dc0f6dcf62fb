"""The options shared by every entry point that trains (persona.options): one help text each, and each entry
point's own defaults kept (the harness, as --persona-model, and evaluate default --model to auto; only the CLI's argparse rejects an
unknown --backend, the harness leaves it to the config's check)."""
from __future__ import annotations

import argparse
from dataclasses import dataclass

import pytest

from persona import backends, harness
from persona.cli import build_parser
from persona.options import CONFIG_HELP, MODEL_HELP, RUN_OPTIONS, SET_HELP, add_run_options


@dataclass
class EntryPoint:
    name: str
    options: tuple[str, ...]
    model_default: str | None
    backend_choices: tuple[str, ...] | None


ENTRY_POINTS = [
    EntryPoint("train", RUN_OPTIONS, None, backends.choices()),
    EntryPoint("preflight", RUN_OPTIONS, None, backends.choices()),
    EntryPoint("evaluate", ("--model", "--set"), "auto", None),
    EntryPoint("harness", RUN_OPTIONS, "auto", None),
]


class Recorder:
    """Stands in for pytest's parser and its option group: records what pytest_addoption adds."""

    def __init__(self):
        self.added: dict[str, dict] = {}

    def getgroup(self, *args, **kwargs):
        return self

    def addoption(self, name, **kwargs):
        self.added[name] = kwargs


def _added(entry: EntryPoint) -> dict[str, dict]:
    """Option name -> its keyword arguments (default, help, choices...) at one entry point."""
    if entry.name == "harness":  # the plugin's entry module adds every harness option, each one prefixed
        recorder = Recorder()
        harness.pytest_addoption(recorder)
        assert all(name.startswith("--persona-") for name in recorder.added), list(recorder.added)
        return {"--" + name.removeprefix("--persona-"): spec for name, spec in recorder.added.items()}
    command = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices[entry.name]
    return {action.option_strings[0]: {"default": action.default, "help": action.help, "choices": action.choices}
            for action in command._actions if action.option_strings}


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=lambda e: e.name)
def test_every_entry_point_adds_the_shared_options_with_its_own_defaults(entry):
    added = _added(entry)
    assert [name for name in added if name in RUN_OPTIONS] == list(entry.options)
    assert added["--model"]["default"] == entry.model_default and added["--model"]["help"].startswith(MODEL_HELP)
    assert added["--set"]["default"] == [] and added["--set"]["help"] == SET_HELP
    if "--config" in entry.options:
        assert added["--config"].get("default") is None and added["--config"]["help"] == CONFIG_HELP
        assert added["--backend"].get("default") is None
        assert added["--backend"].get("choices") == entry.backend_choices
        assert added["--backend"]["help"].startswith(backends.choices_text())


def test_an_option_that_is_not_shared_is_refused():
    with pytest.raises(ValueError, match="not a shared option: --seed"):
        add_run_options(argparse.ArgumentParser().add_argument, only=("--model", "--seed"))
