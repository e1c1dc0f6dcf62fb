"""Training backends: each module in this package prepares a model for the shared training loop (persona.train).

A backend module defines `BACKEND = Backend(...)`; the registry finds it, and `--backend` (the CLI, the
harness), the config's check and `train()` read the registry, so adding a backend is adding one module here.
Backend modules import their libraries inside functions: the registry is read when the CLI builds its parser.

    hf        transformers + peft: LoRA or full fine-tuning; under LoRA on CUDA a 4-bit bitsandbytes base, a full
              fine-tune in fp32 weights; full precision on CPU
    unsloth   Unsloth's FastLanguageModel, 4-bit QLoRA (CUDA only)
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

from persona.discovery import discover

AUTO = "auto"
"""The --backend value that picks the best backend this machine can run."""


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Backend:
    name: str
    """The --backend value."""
    prepare: Callable
    """(TrainConfig, ModelSource) -> (model, tokenizer): the model loaded and ready for the trainer."""
    available: Callable[[], bool]
    """Whether this machine can train with it (what "auto" asks)."""
    auto_rank: int = 0
    """"auto" takes the available backend with the highest rank."""
    import_first: Callable[[], object] = _nothing
    """Run before anything imports transformers (Unsloth patches transformers, trl and peft on import)."""
    trainer_checkpointing: bool = True
    """Whether the trainer's gradient checkpointing applies (on CUDA, when the config asks for it); False for a
    backend that applies its own."""
    probe: Callable[[], tuple[bool, str]] | None = None
    """For `persona preflight`: (usable, what was found), e.g. whether its library imports and its version."""
    refuses: Callable[[object], str] = lambda hparams: ""
    """Why it cannot train these Hyperparameters ('' when it can): "auto" passes over it then, and
    asking for it by name is an error with this reason."""


@functools.cache
def registry() -> dict[str, Backend]:
    """Every backend module's BACKEND, by name."""
    return discover(__name__, __path__, "BACKEND", Backend)


def names() -> tuple[str, ...]:
    return tuple(registry())


def choices() -> tuple[str, ...]:
    """What --backend accepts: auto, then every backend's name."""
    return (AUTO, *names())


def choices_text() -> str:
    """The choices as a sentence: "auto, hf or unsloth"."""
    *others, last = choices()
    return f"{', '.join(others)} or {last}"


def get(name: str) -> Backend:
    """The backend called `name`; an unknown name is a ValueError listing the known ones."""
    try:
        return registry()[name]
    except KeyError:
        raise ValueError(f"unknown backend {name!r}; known: {', '.join(choices())}") from None


def choose(requested: str, hparams=None) -> Backend:
    """The backend to train with: the one requested, or for "auto" the highest-ranked one available here
    that can train `hparams` (unsloth with CUDA and unsloth installed for LoRA, else hf)."""
    if requested != AUTO:
        return get(requested)
    usable = [b for b in registry().values() if b.available() and not (hparams and b.refuses(hparams))]
    return max(usable, key=lambda b: b.auto_rank)


def import_first(requested: str | None) -> None:
    """Before anything imports transformers, the backend that will train imports what must come first (Unsloth
    patches transformers, trl and peft). Nothing for a backend this machine cannot run, or an unknown name
    (the config's check reports that)."""
    backend = choose(AUTO) if requested in (None, AUTO) else registry().get(requested)
    if backend is not None and backend.available():
        backend.import_first()
