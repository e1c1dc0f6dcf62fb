"""The GPU edge: whether CUDA is here, the device and compute dtype that follow from it, and Unsloth's import.

Every CUDA check in the package is `device.cuda_available()`, so a test that patches this one function sees
the whole package take the GPU or the CPU path. Unsloth patches transformers, trl and peft when it is
imported, so it is imported here, once, before they are used (`import_unsloth()`).

torch is imported inside each function: `persona --help` and the CLI's start-up never load it.
"""
from __future__ import annotations

import importlib.util


def cuda_available() -> bool:
    """A CUDA GPU is visible to torch."""
    import torch

    return torch.cuda.is_available()


def default_device() -> str:
    """"cuda" where a GPU is visible, else "cpu"."""
    return "cuda" if cuda_available() else "cpu"


def compute_dtype(device: str | None = None):
    """bf16 on CUDA, fp32 on CPU (where bf16 matmuls are slow and the models are small)."""
    import torch

    return torch.bfloat16 if (device or default_device()) == "cuda" else torch.float32


def mixed_precision() -> tuple[bool, bool]:
    """(bf16, fp16) for the trainer: bf16 where the GPU supports it, else fp16; neither on CPU."""
    if not cuda_available():
        return False, False
    import torch

    bf16 = torch.cuda.is_bf16_supported()
    return bf16, not bf16


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
