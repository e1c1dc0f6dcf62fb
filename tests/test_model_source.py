"""A --model value is resolved to a ModelSource once, where a run starts, and that value is passed down: the
training cache, train(), loading a trained run and the tokenizer loader take it as it is."""
from __future__ import annotations

import pytest

from persona.config import TrainConfig
from persona.models import ModelSource, resolve


@pytest.fixture
def resolve_count(monkeypatch):
    """Count resolve() calls wherever the package makes them."""
    import persona.models
    import persona.runs
    import persona.train

    calls = []

    def counting(spec):
        calls.append(spec)
        return resolve(spec)

    for module in (persona.models, persona.runs, persona.train):
        monkeypatch.setattr(module, "resolve", counting)
    return calls


def test_a_cached_training_run_resolves_its_model_once(tmp_path, resolve_count):
    from persona.runs import load_trained, train_cached

    config = TrainConfig(model="tiny", output_dir=str(tmp_path / "out"), max_steps=1, logging_steps=1,
                         warmup_steps=0)
    result, reused = train_cached(config, runs_dir=tmp_path / "runs", log=lambda line: None)
    assert not reused and resolve_count == ["tiny"], "the key and the run share one resolution"
    again, reused = train_cached(config, runs_dir=tmp_path / "runs", log=lambda line: None)
    assert reused and resolve_count == ["tiny", "tiny"] and again.source == result.source
    load_trained(again)
    assert resolve_count == ["tiny", "tiny"], "a trained run loads with the source it carries"


def test_the_tokenizer_loader_takes_the_source():
    from persona.models import load_tokenizer

    source = resolve("tiny")
    assert isinstance(source, ModelSource)
    assert load_tokenizer(source)("hello")["input_ids"]
