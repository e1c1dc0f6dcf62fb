"""The GPU edge (persona.device): one CUDA check decides device, dtype, precision, optimizer and the automatic
choices, and no other module asks torch or imports unsloth itself. Run on CPU with the check patched."""
from __future__ import annotations

import re

import pytest

from persona import device
from tests.helpers import ROOT


@pytest.fixture
def cuda(monkeypatch):
    """Patch the one CUDA check; returns a setter."""
    def set_cuda(visible: bool) -> None:
        monkeypatch.setattr(device, "cuda_available", lambda: visible)
    return set_cuda


def test_device_and_dtype_follow_the_one_check(cuda):
    import torch

    cuda(False)
    assert (device.default_device(), device.compute_dtype()) == ("cpu", torch.float32)
    assert device.mixed_precision() == (False, False) and device.gpu_name() is None
    cuda(True)
    assert (device.default_device(), device.compute_dtype()) == ("cuda", torch.bfloat16)
    assert device.compute_dtype("cpu") == torch.float32, "an explicit device wins"


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


EDGE = re.compile(r"cuda\.is_available|^\s*(import unsloth|from unsloth)", re.M)


def test_only_the_gpu_edge_asks_for_cuda_or_imports_unsloth():
    sources = [path for folder in ("persona", "evals") for path in (ROOT / folder).rglob("*.py")
               if path.name != "device.py" and "shipped" not in path.parts]
    offenders = [str(path.relative_to(ROOT)) for path in sources if EDGE.search(path.read_text())]
    assert not offenders, f"ask persona.device (cuda_available, import_unsloth) instead: {offenders}"
