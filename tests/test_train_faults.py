"""Training faults with the tiny model, on this host's machine through the hf backend: Ctrl-C says how to resume,
a full disk leaves no partial checkpoint, a resumed log holds each step once, and --resume on a finished run
does nothing."""
from __future__ import annotations

import errno
import json

import pytest

from persona.cli import main as persona_main
from persona.config import TrainConfig

FAST = dict(model="tiny", backend="hf", run_name="r", logging_steps=1, warmup_steps=0, save_steps=2, learning_rate=1e-3)
"""backend hf on every host: see tests/conftest.py."""


def _steps(run_dir):
    from persona.training_log import read_log

    return [row["step"] for row in read_log(run_dir / "training.log") if "step" in row]


def test_resumed_log_and_result_hold_each_step_once(tmp_path):
    from persona.train import train

    config = TrainConfig.from_settings(output_dir=str(tmp_path), max_steps=4, **FAST)
    first = train(config)
    # A run that went on to log steps 5 and 6 and died before checkpoint 6 was complete.
    with (first.run_dir / "training.log").open("a") as log:
        for step in (5, 6):
            log.write(json.dumps({"step": step, "loss": 9.9}) + "\n")
    resumed = train(config.replace(max_steps=7), resume=True)
    assert _steps(resumed.run_dir) == [1, 2, 3, 4, 5, 6, 7]
    assert 9.9 not in resumed.losses, "rows logged after the checkpoint are trained again, not kept"
    assert len(json.loads((resumed.run_dir / "result.json").read_text())["losses"]) == 7


def test_resume_on_a_finished_run_is_a_no_op_that_says_so(tmp_path, capsys):
    from persona.train import train

    config = TrainConfig.from_settings(output_dir=str(tmp_path), max_steps=3, **FAST)
    train(config)
    log_before = (config.run_dir / "training.log").read_text()
    argv = ["train", "--model", "tiny", "--backend", "hf", "--set", f"output_dir={tmp_path}", "--set", "run_name=r", "--set",
            "max_steps=3", "--set", "logging_steps=1", "--set", "save_steps=2", "--resume"]
    assert persona_main(argv) == 0
    assert "already finished 3 of 3 steps; nothing to do" in capsys.readouterr().out
    assert (config.run_dir / "training.log").read_text() == log_before, "no step was trained"


def test_disk_full_during_a_checkpoint_leaves_no_partial_checkpoint(tmp_path, monkeypatch, capsys):
    import persona.train as train_module

    real_marker = train_module._complete_marker

    def full_disk_at_step_4():
        marker = real_marker()
        on_save = marker.on_save

        def failing(args, state, control, **kwargs):
            if state.global_step == 4:
                raise OSError(errno.ENOSPC, "No space left on device", f"{args.output_dir}/checkpoint-4")
            return on_save(args, state, control, **kwargs)
        marker.on_save = failing
        return marker

    monkeypatch.setattr(train_module, "_complete_marker", full_disk_at_step_4)
    argv = ["train", "--model", "tiny", "--backend", "hf", "--set", f"output_dir={tmp_path}", "--set", "run_name=r", "--set",
            "max_steps=6", "--set", "logging_steps=1", "--set", "save_steps=2", "--set", "warmup_steps=0"]
    assert persona_main(argv) == 2
    lines = [line for line in capsys.readouterr().err.split("\n") if "persona train" in line]  # not the bars
    assert len(lines) == 1 and lines[0].startswith("persona train: disk full writing"), lines
    err = lines[0]
    assert "checkpoint-2" in err and "--resume" in err, err
    checkpoints = sorted(p.name for p in (tmp_path / "r" / "checkpoints").glob("checkpoint-*"))
    assert checkpoints == ["checkpoint-2"], f"a partial checkpoint was left: {checkpoints}"


@pytest.mark.parametrize("with_checkpoint", [True, False], ids=["after_a_checkpoint", "before_any"])
def test_ctrl_c_names_the_last_checkpoint_and_how_to_resume(with_checkpoint, tmp_path, monkeypatch, capsys):
    import persona.train as train_module

    def interrupted(config, resume=False):
        if with_checkpoint:
            folder = config.run_dir / "checkpoints" / "checkpoint-2"
            folder.mkdir(parents=True)
            (folder / train_module.COMPLETE).write_text("2")
        raise KeyboardInterrupt

    monkeypatch.setattr(train_module, "train", interrupted)
    argv = ["train", "--model", "tiny", "--backend", "hf", "--set", f"output_dir={tmp_path}", "--set", "run_name=r"]
    assert persona_main(argv) == 130
    err = capsys.readouterr().err.strip()
    assert err.startswith("persona train: interrupted; ") and len(err.split("\n")) == 1, err
    if with_checkpoint:
        assert f"{tmp_path}/r/checkpoints/checkpoint-2" in err and "with --resume" in err, err
    else:
        assert "no complete checkpoint yet" in err, err
