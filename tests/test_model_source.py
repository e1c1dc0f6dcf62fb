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

    config = TrainConfig.from_settings(model="tiny", backend="hf", output_dir=str(tmp_path / "out"), max_steps=1,
                                       logging_steps=1, warmup_steps=0)
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


def test_named_sources_are_the_package_modules():
    from persona.model_sources import named_sources

    assert {name: s.kind for name, s in named_sources().items()} == {
        "smollm2-135m": "real", "synthetic:qwen3-1.7b": "synthetic", "tiny": "tiny"}


@pytest.mark.parametrize("spec,kind,hub", [("tiny", "tiny", False), ("smollm2-135m", "real", False),
                                           ("synthetic:qwen3-1.7b", "synthetic", False),
                                           ("synthetic:qwen3-8b", "synthetic", False),
                                           ("owner/model", "real", True)], ids=lambda v: str(v))
def test_kinds_and_hub_ids_come_from_the_registry(spec, kind, hub):
    from persona.models import is_hub_id, kind_of

    assert (kind_of(spec), is_hub_id(spec)) == (kind, hub)


def test_an_unknown_member_of_a_family_names_the_known_ones():
    from persona.models import check_loadable

    with pytest.raises(ValueError, match="unknown synthetic model 'qwen3-8b'; known: qwen3-1.7b"):
        resolve("synthetic:qwen3-8b")
    with pytest.raises(ValueError, match="'synthetic:qwen3-8b': unknown synthetic model; known: synthetic:qwen3-1.7b"):
        check_loadable("synthetic:qwen3-8b")


TOY_SOURCE = '''
from persona.model_sources import NamedSource
from persona.model_sources.tiny import build_tiny

SOURCE = NamedSource(name="toy:zero", kind="tiny", folder="toy-zero", build=build_tiny)
'''


@pytest.fixture
def toy_source(tmp_path, monkeypatch):
    """A source module in a second folder of the package's path, as if dropped into persona/model_sources/."""
    import sys

    from persona import model_sources as sources

    (tmp_path / "toy_zero.py").write_text(TOY_SOURCE)
    monkeypatch.setattr(sources, "__path__", [*sources.__path__, str(tmp_path)])
    monkeypatch.setenv("PERSONA_CACHE", str(tmp_path / "cache"))
    sources.named_sources.cache_clear()
    yield
    sys.modules.pop("persona.model_sources.toy_zero", None)
    sources.named_sources.cache_clear()


def test_a_new_model_source_is_one_module(toy_source, tmp_path):
    from persona.models import check_loadable, is_hub_id, kind_of, run_name_for

    source = resolve("toy:zero")
    assert source.kind == "tiny" and source.path == str(tmp_path / "cache" / "toy-zero")
    assert (kind_of("toy:zero"), is_hub_id("toy:zero"), run_name_for("toy:zero")) == ("tiny", False, "toy-tiny")
    check_loadable("toy:zero")
    with pytest.raises(ValueError, match="unknown toy model 'one'; known: zero"):
        resolve("toy:one")


@pytest.mark.parametrize("requested,cuda,model,plan,kind,run", [
    ("auto", False, "smollm2-135m", "unsloth/Qwen3-1.7B", "real", "toy-smollm2-135m"),
    ("auto", True, "unsloth/Qwen3-1.7B", "unsloth/Qwen3-1.7B", "real", "toy"),
    ("tiny", False, "tiny", "tiny", "tiny", "toy-tiny"),
    ("synthetic:qwen3-1.7b", True, "synthetic:qwen3-1.7b", "synthetic:qwen3-1.7b", "synthetic", "toy-synthetic"),
])
def test_a_model_choice_carries_its_kind_run_and_stand_in(monkeypatch, requested, cuda, model, plan, kind, run):
    # --persona-model is read once (choose_model); the plugin, the CLI and the evals take kind and run from it
    from persona import device
    from persona.models import choose_model

    monkeypatch.setattr(device, "cuda_available", lambda: cuda)
    choice = choose_model(requested)
    assert (choice.model, choice.plan_model, choice.kind, choice.run_name()) == (model, plan, kind, run)
    assert choice.stand_in == (requested == "auto" and not cuda)
    assert choice.run_name(baseline=True) == run + "-baseline"
