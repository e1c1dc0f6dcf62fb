"""The GPU edge: whether CUDA is here, the device and compute dtype that follow from it, and Unsloth's import.

Every CUDA check in the package is `device.cuda_available()`, so a test that patches this one function sees
the whole package take the GPU or the CPU path. Unsloth patches transformers, trl and peft when it is
imported, so it is imported here, once, before they are used (`import_unsloth()`). What torch.compile and
Triton build and autotune on the GPU is kept on disk, keyed by the libraries and the GPU, so that the next
run of the same shapes starts warm (`persist_compile_caches()`).

torch is imported inside each function: `persona --help` and the CLI's start-up never load it.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
from collections.abc import MutableMapping
from pathlib import Path


def cuda_available() -> bool:
    """A CUDA GPU is visible to torch."""
    import torch

    return torch.cuda.is_available()


def default_device() -> str:
    """"cuda" where a GPU is visible, else "cpu"."""
    return "cuda" if cuda_available() else "cpu"


def bf16_supported() -> bool:
    """The GPU computes in bf16 (Ampere and later); asked only where CUDA is."""
    import torch

    return torch.cuda.is_bf16_supported()


def half_precision() -> str:
    """The one precision decision for CUDA, as a torch dtype name: "bfloat16" where the GPU supports it, else
    "float16". Weights loaded in half precision (inference, a base under adapters), the 4-bit base's compute
    dtype, Unsloth's load and the trainer's autocast all take it, so they never disagree."""
    return "bfloat16" if bf16_supported() else "float16"


def compute_dtype(device: str | None = None):
    """half_precision() on CUDA, fp32 on CPU (where bf16 matmuls are slow and the models are small)."""
    import torch

    return getattr(torch, half_precision()) if (device or default_device()) == "cuda" else torch.float32


def mixed_precision() -> tuple[bool, bool]:
    """(bf16, fp16) for the trainer, from half_precision(); neither on CPU."""
    if not cuda_available():
        return False, False
    half = half_precision()
    return half == "bfloat16", half == "float16"


def gpu_name() -> str | None:
    """The first GPU's name, or None without CUDA."""
    if not cuda_available():
        return None
    import torch

    return torch.cuda.get_device_name(0)


def is_out_of_memory(err: BaseException) -> bool:
    """A CUDA out-of-memory error, raised directly or wrapped in another exception's message."""
    import torch

    return isinstance(err, torch.cuda.OutOfMemoryError) or "CUDA out of memory" in str(err)


def supported_optimizer(requested: str) -> str:
    """The optimizer this machine can run: adamw_8bit needs bitsandbytes on CUDA; elsewhere the plain AdamW is
    the honest stand-in."""
    if "8bit" in requested and not (cuda_available() and importlib.util.find_spec("bitsandbytes")):
        return "adamw_torch"
    return requested


def unsloth_installed() -> bool:
    """unsloth is installed (found without importing it: importing it patches transformers)."""
    return importlib.util.find_spec("unsloth") is not None


def import_unsloth():
    """The unsloth module. Call it before transformers, trl or peft are used: importing it patches them."""
    import unsloth

    return unsloth


def compile_cache_key(torch_version: str, triton_version: str, gpu: str) -> str:
    """One folder per torch, Triton and GPU: compiled kernels and autotuned choices hold only for the three."""
    return re.sub(r"[^a-z0-9.]+", "-", f"torch {torch_version} triton {triton_version} {gpu}".lower()).strip("-")


def compile_cache_settings(folder: Path) -> dict[str, str]:
    """The variables that put inductor's caches (FX graphs, autotuning) and Triton's (kernels, and with
    TRITON_CACHE_AUTOTUNING its autotuner's choices too, read when a kernel is defined) under `folder`."""
    folder = folder.resolve()
    return {"TORCHINDUCTOR_CACHE_DIR": str(folder / "inductor"), "TRITON_CACHE_DIR": str(folder / "triton"),
            "TRITON_CACHE_AUTOTUNING": "1"}


def persist_compile_caches(root: Path, environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """On CUDA, point the compile and autotune caches at root/<compile_cache_key> (their defaults live under
    /tmp and ~/.triton, lost with the machine); a variable already set is left as the user set it. Call it
    before anything compiles or defines a Triton kernel (unsloth's import does). Returns what it set."""
    environ = os.environ if environ is None else environ
    if not cuda_available():
        return {}
    import torch

    key = compile_cache_key(torch.__version__, _version("triton", "pytorch-triton"), gpu_name() or "gpu")
    chosen = {name: value for name, value in compile_cache_settings(Path(root) / key).items()
              if name not in environ}
    environ.update(chosen)
    return chosen


def _version(*distributions: str) -> str:
    """The first installed distribution's version, or "none"."""
    for name in distributions:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "none"
