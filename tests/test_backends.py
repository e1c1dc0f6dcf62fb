"""The backend registry (persona.backends): the modules in the package are the backends; "auto" picks by
availability; the CLI, the harness option, the config check and train() all read the registry, so a new
backend is one module."""
from __future__ import annotations

import dataclasses
import sys

import pytest

from persona import backends
from persona.backends import hf
from persona.config import Hyperparameters, TrainConfig, load_config


def test_the_package_modules_are_the_backends():
    assert backends.names() == ("hf", "unsloth")
    assert backends.choices() == ("auto", "hf", "unsloth")
    with pytest.raises(ValueError, match="unknown backend 'tpu'; known: auto, hf, unsloth"):
        backends.get("tpu")


@pytest.mark.parametrize("cuda,unsloth,chosen", [(False, False, "hf"), (False, True, "hf"), (True, False, "hf"),
                                                 (True, True, "unsloth")],
                         ids=["cpu", "cpu-with-unsloth", "cuda-without-unsloth", "cuda-with-unsloth"])
def test_auto_picks_unsloth_only_with_cuda_and_unsloth(machine, cuda, unsloth, chosen):
    machine(cuda, unsloth)
    assert backends.choose("auto").name == chosen
    assert backends.choose("hf").name == "hf", "a named backend is taken as asked"


def test_auto_passes_over_a_backend_that_cannot_train_the_settings(machine):
    """The tiny model fine-tunes every weight, which unsloth refuses: on a CUDA machine auto takes hf for it."""
    machine(True, True)
    full, lora = Hyperparameters(finetune="full"), Hyperparameters(finetune="lora")
    assert backends.choose("auto", full).name == "hf"
    assert backends.choose("auto", lora).name == "unsloth"
    assert backends.choose("unsloth", full).name == "unsloth", "a named backend is taken as asked"
    with pytest.raises(ValueError, match="trains LoRA adapters only"):
        backends.get("unsloth").prepare(TrainConfig.from_settings(finetune="full"), None)


LOADING_CASES = [
    ("cuda, LoRA: QLoRA's 4-bit base", dict(), True, (True, "bfloat16")),
    ("cuda, LoRA without 4-bit: a bf16 base", dict(load_in_4bit=False), True, (False, "bfloat16")),
    ("cuda, full: every weight trained, never 4-bit", dict(finetune="full"), True, (False, "float32")),
    ("cuda, full without 4-bit", dict(finetune="full", load_in_4bit=False), True, (False, "float32")),
    ("cpu, LoRA: load_in_4bit ignored", dict(), False, (False, "float32")),
    ("cpu, full", dict(finetune="full"), False, (False, "float32")),
]


@pytest.mark.parametrize("case", LOADING_CASES, ids=lambda c: c[0])
def test_hf_quantizes_only_a_base_it_trains_adapters_on(case):
    _, settings, cuda, (quantize, dtype) = case
    plan = hf.loading(Hyperparameters(**settings), cuda)
    assert (plan.quantize_4bit, plan.dtype) == (quantize, dtype)


@pytest.mark.parametrize("requested", ["auto", "hf"])
def test_the_tiny_models_full_fine_tune_on_cuda_goes_to_hf_unquantized(machine, requested):
    """`persona evaluate --model tiny` on a GPU: peft refuses to fine-tune 4-bit weights fully, so the hf
    backend must not quantize what it trains whole (it did, and train-completes errored on an H100)."""
    from persona.profiles import profile_for

    machine(True, True)
    hp = Hyperparameters(**profile_for("tiny"), backend=requested)
    assert backends.choose(requested, hp).name == "hf"
    assert hf.loading(hp, cuda=True) == hf.Loading(quantize_4bit=False, dtype="float32")


class Quantized(Exception):
    """Raised where the hf backend would build its 4-bit config."""


@pytest.mark.parametrize("finetune,quantized", [("full", False), ("lora", True)])
def test_hf_prepare_follows_the_loading_decision_on_cuda(machine, monkeypatch, finetune, quantized):
    """On a CUDA machine (patched: this host may have none) the hf backend loads the tiny model whole in fp32
    for a full fine-tune, and asks for 4-bit weights only under LoRA."""
    import torch

    from persona.models import resolve

    machine(True)
    monkeypatch.setattr(hf, "nf4_config", lambda half: (_ for _ in ()).throw(Quantized()))
    config = TrainConfig.from_settings(model="tiny", finetune=finetune)
    if quantized:
        with pytest.raises(Quantized):
            hf.prepare(config, resolve("tiny"))
        return
    model, _ = hf.prepare(config, resolve("tiny"))
    params = list(model.parameters())
    assert all(p.dtype == torch.float32 and p.requires_grad for p in params), "every weight trainable, in fp32"
    assert not getattr(model, "is_loaded_in_4bit", False)


@pytest.mark.parametrize("requested,imported", [(None, True), ("auto", True), ("unsloth", True), ("hf", False),
                                                ("tpu", False)])
def test_unsloth_is_imported_first_only_when_it_will_train(machine, monkeypatch, requested, imported):
    machine(True, True)
    seen = []
    unsloth = backends.get("unsloth")
    monkeypatch.setitem(backends.registry(), "unsloth",
                        dataclasses.replace(unsloth, import_first=lambda: seen.append("unsloth")))
    backends.import_first(requested)
    assert seen == (["unsloth"] if imported else [])


def test_unsloth_probe_reports_a_missing_install(machine):
    machine(True, False)
    ok, detail = backends.get("unsloth").probe()
    assert not ok and "pip install -e .[gpu]" in detail


def test_the_cli_and_the_config_accept_exactly_the_registry():
    from persona.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["train", "--backend", "unsloth"]).backend == "unsloth"
    with pytest.raises(SystemExit):
        parser.parse_args(["train", "--backend", "tpu"])
    with pytest.raises(ValueError, match="backend must be auto, hf or unsloth, got 'tpu'"):
        load_config(None, backend="tpu")


TOY_BACKEND = '''
from persona.backends import Backend, hf

CALLS = []


def prepare(config, source):
    CALLS.append(source.spec)
    return hf.prepare(config, source)


BACKEND = Backend(name="toy", prepare=prepare, available=lambda: True, auto_rank=-1)
'''


@pytest.fixture
def toy_backend(tmp_path, monkeypatch):
    """A backend module in a second folder of the package's path, as if dropped into persona/backends/."""
    (tmp_path / "toy.py").write_text(TOY_BACKEND)
    monkeypatch.setattr(backends, "__path__", [*backends.__path__, str(tmp_path)])
    backends.registry.cache_clear()
    yield
    sys.modules.pop("persona.backends.toy", None)
    backends.registry.cache_clear()


def test_a_new_backend_is_one_module(toy_backend, tmp_path, machine):
    from persona.cli import build_parser
    from persona.train import train

    machine(False, False)  # what `auto` picks depends on the machine: a CPU one here
    assert backends.choices() == ("auto", "hf", "toy", "unsloth")
    assert backends.choose("auto").name == "hf", "a lower rank never displaces the default"
    assert build_parser().parse_args(["train", "--backend", "toy"]).backend == "toy"
    config = TrainConfig.from_settings(model="tiny", backend="toy", output_dir=str(tmp_path / "runs"), max_steps=1,
                                       logging_steps=1, warmup_steps=0)
    result = train(config)
    assert result.backend == "toy" and sys.modules["persona.backends.toy"].CALLS == ["tiny"]


@pytest.mark.parametrize("requested,ok", [("auto", False), ("unsloth", False), ("hf", True)])
def test_preflight_fails_a_missing_backend_only_when_it_could_be_picked(machine, requested, ok):
    from persona.preflight import Preflight, _check_backends

    machine(True, False)
    report = Preflight()
    _check_backends(report, TrainConfig.from_settings(backend=requested))
    assert [(c.name, c.ok) for c in report.checks] == [("unsloth", ok)]


def test_a_module_without_its_record_is_named(tmp_path, monkeypatch):
    (tmp_path / "broken.py").write_text("PREPARE = None\n")
    (tmp_path / "_helper.py").write_text("")
    monkeypatch.setattr(backends, "__path__", [*backends.__path__, str(tmp_path)])
    backends.registry.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"broken\.py: no BACKEND = Backend\(\.\.\.\) at module level$"):
            backends.registry()
    finally:
        sys.modules.pop("persona.backends.broken", None)
        backends.registry.cache_clear()
