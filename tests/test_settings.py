"""Every bad setting or config file is one line naming the setting or file and what it expects."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from persona.cli import main as persona_main
from persona.config import config_from_cli


@dataclass
class Bad:
    name: str
    pairs: list
    toml: str | None
    """Contents of the --config file; None: no file; "<dir>": a folder; "<missing>": a path that does not exist."""
    expected: str


CASES = [
    Bad("int_word", ["max_steps=abc"], None, "--set max_steps expects an integer, got 'abc'"),
    Bad("int_float", ["lora_r=1.5"], None, "--set lora_r expects an integer, got '1.5'"),
    Bad("float_word", ["learning_rate=fast"], None, "--set learning_rate expects a number, got 'fast'"),
    Bad("bool_word", ["load_in_4bit=maybe"], None, "--set load_in_4bit expects true or false, got 'maybe'"),
    Bad("unknown", ["lerning_rate=1"], None, "--set unknown training setting 'lerning_rate'"),
    Bad("no_equals", ["max_steps"], None, "--set expects NAME=VALUE, got 'max_steps'"),
    Bad("toml_string_for_int", [], '[train]\nmax_steps = "ten"\n', ": max_steps expects an integer, got 'ten'"),
    Bad("toml_list_for_int", [], "[train]\nmax_steps = [1, 2]\n", ": max_steps expects an integer, got [1, 2]"),
    Bad("toml_bool_for_int", [], "[train]\nmax_steps = true\n", ": max_steps expects an integer, got True"),
    Bad("toml_number_for_list", [], "[train]\ntarget_modules = 3\n", ": target_modules expects a list of names"),
    Bad("toml_unknown", [], "[train]\nbatch = 2\n", ": unknown training setting 'batch'"),
    Bad("toml_syntax", [], "[train\nmax_steps = 1\n", ": not valid TOML"),
    Bad("toml_train_not_table", [], "train = 3\n", ": 'train' must be a table"),
    Bad("toml_not_utf8", [], "<latin1>", ": not valid TOML"),
    Bad("config_is_folder", [], "<dir>", ": is a directory, expected a TOML file"),
    Bad("config_missing", [], "<missing>", ": no such file"),
]


def _config_path(tmp_path, toml):
    if toml is None:
        return None
    if toml == "<dir>":
        return tmp_path
    path = tmp_path / "t.toml"
    if toml == "<latin1>":
        path.write_bytes("[train]\nmodel = \"caf\xe9\"\n".encode("latin-1"))
    elif toml != "<missing>":
        path.write_text(toml)
    return path


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_setting_is_one_line_naming_it(case, tmp_path):
    path = _config_path(tmp_path, case.toml)
    with pytest.raises(ValueError) as err:
        config_from_cli(path, case.pairs)
    message = str(err.value)
    assert "\n" not in message and case.expected in message, message
    if path is not None:
        assert str(path) in message, f"the file is not named: {message}"


def test_train_with_a_folder_as_config_exits_2_with_one_line(tmp_path, capsys):
    assert persona_main(["train", "--config", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"persona train: --config {tmp_path}: is a directory, expected a TOML file with a [train] table"


def test_good_values_still_convert(tmp_path):
    config = config_from_cli(None, ["max_steps=7", "learning_rate=1e-3", "load_in_4bit=off",
                                    "target_modules=q_proj, v_proj"])
    assert (config.hparams.max_steps, config.hparams.learning_rate, config.hparams.load_in_4bit) == (7, 1e-3, False)
    assert config.hparams.target_modules == ("q_proj", "v_proj")


@pytest.mark.parametrize(("model", "run"), [("tiny", "toy-tiny"), ("synthetic:qwen3-1.7b", "toy-synthetic"),
                                            ("smollm2-135m", "toy-smollm2-135m"), ("unsloth/Qwen3-1.7B", "toy")])
def test_a_run_folder_names_its_model_kind_so_a_smoke_run_never_writes_over_a_real_one(model, run):
    assert config_from_cli(None, [], model=model).run_dir.name == run
    assert config_from_cli(None, ["run_name=mine"], model=model).run_dir.name == "mine"
