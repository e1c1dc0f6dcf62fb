"""Per-model training defaults: smollm2-135m and tiny train with their measured profiles (in their source
records), under the TOML file and the command line; every other model keeps the seed's defaults. One
precedence rule: defaults, then profile, then config file, then --set."""
from __future__ import annotations

from persona.config import TrainConfig, load_config, setting_types
from persona.profiles import profile_for, profiles


def test_smollm2_profile_replaces_the_seed_defaults():
    config = load_config(None, model="smollm2-135m")
    for name, value in profiles()["smollm2-135m"].items():
        assert getattr(config.hparams, name) == value, name
    assert config.hparams.finetune == "lora", "the real model trains LoRA adapters, the seed's method"


def test_toml_and_overrides_win_over_the_profile(tmp_path):
    toml = tmp_path / "train.toml"
    toml.write_text('[train]\nmodel = "smollm2-135m"\nmax_steps = 7\n')
    config = load_config(toml, learning_rate="1e-4")
    assert (config.hparams.max_steps, config.hparams.learning_rate) == (7, 1e-4)
    assert config.hparams.max_seq_length == profiles()["smollm2-135m"]["max_seq_length"]


def test_other_models_keep_the_seed_defaults():
    assert profile_for("unsloth/Qwen3-1.7B") == {}
    seed = TrainConfig().hparams
    hp = load_config(None, model="unsloth/Qwen3-1.7B").hparams
    assert (hp.learning_rate, hp.max_steps) == (seed.learning_rate, seed.max_steps)


def test_profiles_name_only_real_settings():
    fields = set(setting_types())
    for model, profile in profiles().items():
        assert set(profile) <= fields, f"{model}: unknown settings {set(profile) - fields}"


def test_one_precedence_rule_for_the_tiny_model_too(tmp_path):
    """defaults -> profile -> config file -> --set, the same for tiny as for smollm2 (its profile used to
    override a config file in the harness)."""
    seed, tiny = TrainConfig().hparams, profiles()["tiny"]
    assert load_config(None, model="tiny").hparams.max_steps == tiny["max_steps"] != seed.max_steps
    toml = tmp_path / "train.toml"
    toml.write_text('[train]\nmodel = "tiny"\nmax_steps = 7\nlearning_rate = 0.5\n')
    hp = load_config(toml, learning_rate="1e-3").hparams
    assert (hp.max_steps, hp.learning_rate, hp.finetune) == (7, 1e-3, tiny["finetune"])
    assert hp.warmup_steps == seed.warmup_steps, "what no layer sets stays the seed's"
