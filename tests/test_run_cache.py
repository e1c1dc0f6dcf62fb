"""The training cache retrains when anything that shapes the weights changes: a local model folder's files and
persona's own training code are in the key, beside the data, hyperparameters and library versions."""
from __future__ import annotations

import shutil

from persona import runs
from persona.config import TrainConfig
from persona.models import resolve


def _local_tiny(tmp_path):
    """A copy of the tiny model as a plain local folder (a hub-style directory, not a named source)."""
    folder = tmp_path / "my-model"
    shutil.copytree(resolve("tiny").path, folder)
    return folder


def test_replacing_a_local_folders_weights_retrains(tmp_path):
    from safetensors.torch import load_file, save_file

    folder = _local_tiny(tmp_path)
    config = TrainConfig.from_settings(model=str(folder), finetune="full", max_steps=1, logging_steps=1,
                                       save_steps=100, output_dir=str(tmp_path / "out"))
    log = []
    first, reused = runs.train_cached(config, runs_dir=tmp_path / "runs", log=log.append)
    assert not reused
    _, reused = runs.train_cached(config, runs_dir=tmp_path / "runs", log=log.append)
    assert reused, "the same folder, data and settings must reuse the run"
    weights = folder / "model.safetensors"
    tensors = {name: tensor + 0.01 for name, tensor in load_file(weights).items()}
    save_file(tensors, weights, metadata={"format": "pt"})
    again, reused = runs.train_cached(config, runs_dir=tmp_path / "runs", log=log.append)
    assert not reused and again.run_dir != first.run_dir, "new weights in the same folder reused the stale run"


def test_the_key_follows_a_local_folders_config_and_persona_training_code(tmp_path, monkeypatch):
    folder = _local_tiny(tmp_path)
    config = TrainConfig.from_settings(model=str(folder))
    before = runs.cache_key(config)
    (folder / "config.json").write_text((folder / "config.json").read_text().replace("{", '{"note": 1, ', 1))
    assert runs.cache_key(config) != before, "a changed config.json kept the key"
    changed = runs.cache_key(config)
    monkeypatch.setattr(runs, "code_digest", lambda: "another training code")
    assert runs.cache_key(config) != changed, "persona's training code is not in the key"


def test_training_code_digest_covers_rendering_and_the_backends():
    package = runs.Path(runs.__file__).parent
    for name in ("chat.py", "train.py", "backends"):
        assert (package / name).exists() and name in runs.TRAINING_CODE, name
