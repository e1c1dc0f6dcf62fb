"""The GPU edge (persona.device): one CUDA check decides device, dtype, precision, optimizer and the automatic
choices, and no other module asks torch or imports unsloth itself; the compile caches are kept under the model
cache, keyed by the libraries and the GPU. Run on CPU with the check patched."""
from __future__ import annotations

import os
import re

import pytest

from persona import device
from tests.helpers import ROOT


@pytest.fixture
def cuda(monkeypatch):
    """Patch the one CUDA check; returns a setter."""
    def set_cuda(visible: bool) -> None:
        monkeypatch.setattr(device, "cuda_available", lambda: visible)
        monkeypatch.setattr(device, "bf16_supported", lambda: visible)
    return set_cuda


def test_device_and_dtype_follow_the_one_check(cuda):
    import torch

    cuda(False)
    assert (device.default_device(), device.compute_dtype()) == ("cpu", torch.float32)
    assert device.mixed_precision() == (False, False) and device.gpu_name() is None
    cuda(True)
    assert (device.default_device(), device.compute_dtype()) == ("cuda", torch.bfloat16)
    assert device.compute_dtype("cpu") == torch.float32, "an explicit device wins"


def test_a_gpu_without_bf16_computes_in_fp16_everywhere(machine):
    """One half-precision decision: inference weights, a base under adapters, the 4-bit compute dtype and the
    trainer's autocast (bf16 weights under fp16 training was the bug on such a GPU)."""
    import torch

    from persona.backends import hf
    from persona.config import Hyperparameters

    machine(True, bf16=False)
    assert (device.half_precision(), device.compute_dtype(), device.mixed_precision()) == \
        ("float16", torch.float16, (False, True))
    assert hf.loading(Hyperparameters(load_in_4bit=False), True, device.half_precision()).dtype == "float16"
    machine(True)
    assert (device.half_precision(), device.compute_dtype(), device.mixed_precision()) == \
        ("bfloat16", torch.bfloat16, (True, False))


def test_8bit_optimizer_falls_back_without_cuda(cuda):
    cuda(False)
    assert device.supported_optimizer("adamw_8bit") == "adamw_torch"
    assert device.supported_optimizer("adamw_torch_fused") == "adamw_torch_fused"


def test_out_of_memory_is_recognized_directly_and_wrapped():
    import torch

    assert device.is_out_of_memory(torch.cuda.OutOfMemoryError("boom"))
    assert device.is_out_of_memory(RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"))
    assert not device.is_out_of_memory(RuntimeError("shape mismatch"))


def test_auto_model_asks_the_gpu_edge(cuda):
    from persona.models import DEFAULT_MODEL, SMOLLM2, auto_model

    cuda(False)
    assert auto_model() == SMOLLM2
    cuda(True)
    assert auto_model() == DEFAULT_MODEL


EDGE = re.compile(r"cuda\.is_available|is_bf16_supported|^\s*(import unsloth|from unsloth)", re.M)


def test_only_the_gpu_edge_asks_for_cuda_or_imports_unsloth():
    sources = [path for folder in ("persona", "evals") for path in (ROOT / folder).rglob("*.py")
               if path.name != "device.py" and "shipped" not in path.parts]
    offenders = [str(path.relative_to(ROOT)) for path in sources if EDGE.search(path.read_text())]
    assert not offenders, f"ask persona.device (cuda_available, import_unsloth) instead: {offenders}"


H100 = "NVIDIA H100 80GB HBM3"
CACHE_VARIABLES = ("TORCHINDUCTOR_CACHE_DIR", "TRITON_CACHE_DIR", "TRITON_CACHE_AUTOTUNING")


def test_compile_caches_are_keyed_by_torch_triton_and_the_gpu():
    key = device.compile_cache_key("2.11.0+cu130", "3.5.0", H100)
    assert key == "torch-2.11.0-cu130-triton-3.5.0-nvidia-h100-80gb-hbm3"
    others = {device.compile_cache_key("2.11.1+cu130", "3.5.0", H100), device.compile_cache_key(
        "2.11.0+cu130", "3.6.0", H100), device.compile_cache_key("2.11.0+cu130", "3.5.0", "NVIDIA H200")}
    assert key not in others and len(others) == 3, "another torch, Triton or GPU starts a cache of its own"


def test_compile_caches_go_under_the_root_on_cuda_and_leave_what_the_user_set(cuda, monkeypatch, tmp_path):
    import torch

    cuda(True)
    monkeypatch.setattr(device, "gpu_name", lambda: H100)
    environ = {"TRITON_CACHE_DIR": "/users/own"}
    chosen = device.persist_compile_caches(tmp_path, environ)
    assert set(chosen) == {"TORCHINDUCTOR_CACHE_DIR", "TRITON_CACHE_AUTOTUNING"}, "the user's setting stands"
    triton = device._version("triton", "pytorch-triton")
    folder = tmp_path.resolve() / device.compile_cache_key(torch.__version__, triton, H100)
    assert environ == {"TRITON_CACHE_DIR": "/users/own", "TORCHINDUCTOR_CACHE_DIR": str(folder / "inductor"),
                       "TRITON_CACHE_AUTOTUNING": "1"}
    again = dict(environ)
    assert device.persist_compile_caches(tmp_path, again) == {} and again == environ, "set once"


def test_without_cuda_no_compile_cache_is_set(cuda, tmp_path):
    cuda(False)
    environ = {}
    assert device.persist_compile_caches(tmp_path, environ) == {} and environ == {}


def test_unsloth_is_imported_with_the_compile_caches_under_the_model_cache(cuda, monkeypatch, tmp_path):
    """Triton reads TRITON_CACHE_AUTOTUNING when a kernel is defined: unsloth's import defines them."""
    from persona.backends import unsloth

    cuda(True)
    monkeypatch.setattr(device, "gpu_name", lambda: H100)
    monkeypatch.setenv("PERSONA_CACHE", str(tmp_path))
    for name in CACHE_VARIABLES:  # unset for the test, and restored as they were after it
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    seen = {}
    monkeypatch.setattr(device, "import_unsloth", lambda: seen.update(os.environ))
    unsloth.import_first()
    compile_root = str(tmp_path.resolve() / "compile")
    assert seen["TORCHINDUCTOR_CACHE_DIR"].startswith(compile_root), seen["TORCHINDUCTOR_CACHE_DIR"]
    assert seen["TRITON_CACHE_DIR"].startswith(compile_root) and seen["TRITON_CACHE_AUTOTUNING"] == "1"
