"""Fixtures that pin the machine a test reasons about. The suite passes on a CPU host and on a CUDA host: a test
about the CPU path pins it through the GPU edge (persona.device), whatever this host has; a test about the CUDA
path runs only where CUDA is, and says so when it skips.

Tests that train name `backend="hf"`, never auto: on a CUDA host auto is unsloth, whose FastLanguageModel
patches transformers' model classes for the whole process (their forward then expects what unsloth attaches to
its own models), so a later test's plain model, on CPU or CUDA, would run unsloth's code. Unsloth's training is
checked by `pytest evals -m gpu` and scripts/bench_gpu.py, each in a process of its own."""
from __future__ import annotations

import pytest

from persona import device


@pytest.fixture
def machine(monkeypatch):
    """Patch what the GPU edge sees: machine(cuda, unsloth installed, the GPU computes in bf16)."""
    def set_machine(cuda: bool, unsloth: bool = False, bf16: bool = True) -> None:
        monkeypatch.setattr(device, "cuda_available", lambda: cuda)
        monkeypatch.setattr(device, "unsloth_installed", lambda: unsloth)
        monkeypatch.setattr(device, "bf16_supported", lambda: cuda and bf16)
    return set_machine


@pytest.fixture
def cpu(machine) -> str:
    """A CPU machine, on any host: the whole package takes the CPU path."""
    machine(False)
    return "cpu"


@pytest.fixture
def gpu() -> str:
    """This host's CUDA GPU, as it is; the test skips on a host without one."""
    if not device.cuda_available():
        pytest.skip("needs a CUDA GPU (its CPU twin runs on every host)")
    return "cuda"


@pytest.fixture(params=["cpu", "cuda"])
def each_machine(request) -> str:
    """The test once on the CPU path (pinned, on any host) and once on this host's CUDA GPU (skipped without
    one); returns "cpu" or "cuda"."""
    return request.getfixturevalue(request.param.replace("cuda", "gpu"))
