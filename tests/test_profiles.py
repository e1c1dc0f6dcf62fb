"""Per-model training defaults: smollm2-135m trains with its measured CPU profile, under the TOML file and the
command line; every other model keeps the seed's defaults."""
from __future__ import annotations

from persona.config import TrainConfig, load_config, setting_types
from persona.profiles import PROFILES, profile_for


def test_smollm2_profile_replaces_the_seed_defaults():
    config = load_config(None, model="smollm2-135m")
    for name, value in PROFILES["smollm2-135m"].items():
        assert getattr(config.hparams, name) == value, name
    assert config.hparams.finetune == "lora", "the real model trains LoRA adapters, the seed's method"


def test_toml_and_overrides_win_over_the_profile(tmp_path):
    toml = tmp_path / "train.toml"
    toml.write_text('[train]\nmodel = "smollm2-135m"\nmax_steps = 7\n')
    config = load_config(toml, learning_rate="1e-4")
    assert (config.hparams.max_steps, config.hparams.learning_rate) == (7, 1e-4)
    assert config.hparams.max_seq_length == PROFILES["smollm2-135m"]["max_seq_length"]


def test_other_models_keep_the_seed_defaults():
    assert profile_for("unsloth/Qwen3-1.7B") == {}
    seed = TrainConfig().hparams
    hp = load_config(None, model="unsloth/Qwen3-1.7B").hparams
    assert (hp.learning_rate, hp.max_steps) == (seed.learning_rate, seed.max_steps)


def test_profiles_name_only_real_settings():
    fields = set(setting_types())
    for model, profile in PROFILES.items():
        assert set(profile) <= fields, f"{model}: unknown settings {set(profile) - fields}"
