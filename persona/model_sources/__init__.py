"""Named model sources: `--model` values that this package builds or converts into a directory from_pretrained
loads (`tiny`, `synthetic:qwen3-1.7b`, `smollm2-135m`), one module each.

A source module defines `SOURCE = NamedSource(...)`; the registry finds it, and persona.models resolves, kinds
and checks --model values through the registry, so adding a named source is adding one module here. A name
`family:member` makes `family:` a family: an unknown member is an error naming the known ones. Source modules
import torch and transformers inside their build functions only.

The helpers below are what every build shares: a fingerprint that keys the cache, and a directory written
whole with a marker (persona_model.json) that remembers the model's kind.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from persona import atomic
from persona.discovery import discover

MARKER = "persona_model.json"
"""File in a built model directory: its kind and cache key."""


@dataclass(frozen=True)
class NamedSource:
    name: str
    """The --model value."""
    kind: str
    """"real", "synthetic" (real shape, random weights) or "tiny": what the weights can say (persona.criteria)."""
    folder: str
    """Its directory under the model cache (persona.models.cache_root())."""
    build: Callable[[Path], Path]
    """Builds the model into that directory, or reuses what is there; returns the directory."""
    requires: Callable[[], object] | None = None
    """Raises a one-line ValueError when this machine lacks what building needs (a package, a file); imports
    nothing heavy, so a run can refuse before a backend's import (unsloth prints and patches) starts."""
    training: Mapping[str, object] = field(default_factory=dict)
    """Its measured training defaults (TrainConfig fields that replace the seed's for it): above the seed's
    defaults, under the config file and --set (persona.config.load_config)."""

    @property
    def family(self) -> str | None:
        """`synthetic` for `synthetic:qwen3-1.7b`; None for a plain name."""
        return self.name.split(":", 1)[0] if ":" in self.name else None


@functools.cache
def named_sources() -> dict[str, NamedSource]:
    """Every source module's SOURCE, by name."""
    return discover(__name__, __path__, "SOURCE", NamedSource)


def family_of(spec: str) -> list[NamedSource]:
    """The named sources of `spec`'s family (`synthetic:` for `synthetic:anything`); empty for a plain name."""
    family = spec.split(":", 1)[0] if ":" in spec else None
    return [source for source in named_sources().values() if family and source.family == family]


def fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:12]


def marker_of(directory: Path) -> dict:
    """What a directory built here remembers (kind, key, ...); empty for any other directory."""
    marker = Path(directory) / MARKER
    return json.loads(marker.read_text()) if marker.exists() else {}


def save(model, tokenizer, directory: Path, marker: dict) -> None:
    """Write the model whole, so an interrupted build leaves nothing half-written."""
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    with atomic.directory(directory) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / MARKER).write_text(json.dumps(marker))
