"""Model sources: a hub id, a local directory, or a named source (`smollm2-135m`, `synthetic:qwen3-1.7b`,
`tiny`; persona/model_sources/, one module each).

Every source resolves to a directory that transformers (and Unsloth) can load, so the training and
inference code is the same for all of them:

- hub id / local dir: real weights ("real"); a hub id is downloaded by transformers on first use.
- `smollm2-135m`: SmolLM2-135M-Instruct, real weights shipped through pip, converted offline once; the real
  model a CPU can fine-tune and judge in minutes.
- `synthetic:qwen3-1.7b`: Qwen3-1.7B's exact architecture with random weights and the offline Qwen3
  tokenizer — the real VRAM and speed, nothing about quality.
- `tiny`: a two-layer Qwen3 with a small tokenizer, built offline in seconds; the CPU smoke model.

A --model value is resolved once, where a run starts (`resolve()`); the ModelSource is passed down from there.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import persona.device
from persona.model_sources import family_of, marker_of, named_sources
from persona.model_sources.smollm2 import SMOLLM2


@dataclass
class ModelSource:
    spec: str
    """What the user asked for."""
    path: str
    """Directory or hub id that from_pretrained accepts."""
    kind: str
    """"real", "synthetic" (real shape, random weights) or "tiny"."""

    @property
    def has_real_weights(self) -> bool:
        return self.kind == "real"


@dataclass
class Loaded:
    model: object
    tokenizer: object
    source: ModelSource

    @property
    def kind(self) -> str:
        return self.source.kind

    @property
    def spec(self) -> str:
        return self.source.spec


def is_hub_id(spec: str) -> bool:
    """owner/name that is neither an offline source nor an existing directory: transformers may download it."""
    return spec not in named_sources() and not family_of(spec) \
        and not Path(spec).expanduser().exists() and spec.count("/") == 1 and not spec.startswith(("/", "."))


DEFAULT_MODEL = "unsloth/Qwen3-1.7B"
"""The model the plan fine-tunes: --model auto with CUDA, and the training config's default."""


@dataclass(frozen=True)
class ModelChoice:
    """What a run evaluates, and the model its verdict is about."""
    model: str
    """The --model value evaluated."""
    plan_model: str
    """The plan's model: the one the user named, else DEFAULT_MODEL."""
    kind: str
    """The evaluated model's kind (kind_of), read once where the choice is made."""

    def run_name(self, baseline: bool = False) -> str:
        """Its run folder under models/ (run_name_for)."""
        return run_name_for(self.model, baseline, kind=self.kind)

    @property
    def stand_in(self) -> bool:
        """Another model is evaluated in place of the plan's (auto on a machine that cannot train it): its
        measurements are about itself, and the decision about the plan's model is INCOMPLETE."""
        return self.model != self.plan_model


def choose_model(requested: str, *, real_on_cpu: bool = True) -> ModelChoice:
    """The choice behind a --model value: a named model is the plan's model; `auto` means the plan's default,
    evaluated where CUDA can train it and stood in for by auto_model()'s pick elsewhere."""
    model = auto_model(real_on_cpu=real_on_cpu) if requested == "auto" else requested
    return ModelChoice(model, DEFAULT_MODEL if requested == "auto" else requested, kind_of(model))


def auto_model(*, real_on_cpu: bool = True) -> str:
    """What --model auto means: the real model where CUDA can train it; on CPU smollm2-135m (real weights a CPU
    fine-tunes in minutes), or the tiny offline one where only the pipeline is smoke-tested."""
    if persona.device.cuda_available():
        return DEFAULT_MODEL
    return SMOLLM2 if real_on_cpu else "tiny"


def cache_root() -> Path:
    return Path(os.environ.get("PERSONA_CACHE", "models/cache"))


def resolve(spec: str) -> ModelSource:
    """Turn a --model value into something from_pretrained can load, building offline models on demand."""
    named = named_sources().get(spec)
    if named is not None:
        return ModelSource(spec, str(named.build(cache_root() / named.folder)), named.kind)
    members = family_of(spec)
    if members:
        family, name = spec.split(":", 1)
        known = ", ".join(member.name.split(":", 1)[1] for member in members)
        raise ValueError(f"unknown {family} model {name!r}; known: {known}")
    local = Path(spec).expanduser()
    if local.exists():
        if not (local / "config.json").exists():
            raise ValueError(f"{local}: not a model directory (no config.json)")
        return ModelSource(spec, str(local), _kind_of(local))
    if not is_hub_id(spec):
        raise ValueError(f"--model {spec!r}: no such directory, and not a hub id of the form owner/name")
    return ModelSource(spec, spec, "real")


def check_requirements(spec: str) -> None:
    """A named source's own requirements (its package installed, its file present), checked without importing
    torch or transformers: one ValueError line, before anything heavy is imported."""
    named = named_sources().get(spec)
    if named is not None and named.requires is not None:
        named.requires()


def kind_of(spec: str) -> str:
    """The kind of a --model value, without building, converting or downloading anything."""
    known = named_sources().get(spec) or next(iter(family_of(spec)), None)
    if known is not None:
        return known.kind
    local = Path(spec).expanduser()
    return _kind_of(local) if local.is_dir() else "real"


def run_name_for(spec: str, baseline: bool = False, *, kind: str | None = None) -> str:
    """The default run folder under models/: `toy` for real weights named by hub id or directory (the plan's
    model), `toy-<name>` for a named real source (smollm2-135m, the CPU stand-in), `toy-tiny` / `toy-synthetic`
    otherwise, so neither a pipeline smoke nor a stand-in writes over the plan's run; `-baseline` when the base
    model is scored in place. `kind` is the spec's kind where the caller has it."""
    kind = kind or kind_of(spec)
    if kind != "real":
        name = f"toy-{kind}"
    else:
        name = f"toy-{spec}" if spec in named_sources() else "toy"
    return name + ("-baseline" if baseline else "")


def check_loadable(spec: str, *, kind: str | None = None) -> None:
    """ValueError in one line when this machine cannot load `spec` at all.

    Builds nothing (offline models are built when first used) and reads a real model's config only (a hub
    id may fetch that one small file), so a typo in --model is a usage error before any test or training
    starts, never a verdict. `kind` is the spec's kind where the caller has it.
    """
    members = family_of(spec)
    if members and spec not in named_sources():
        known = ", ".join(member.name for member in members)
        raise ValueError(f"--model {spec!r}: unknown {spec.split(':', 1)[0]} model; known: {known}")
    if (kind or kind_of(spec)) != "real":
        return
    source = resolve(spec)
    from transformers import AutoConfig

    try:
        AutoConfig.from_pretrained(source.path)
    except Exception as err:  # OSError, ValueError, JSON errors: all mean "not loadable here"
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"--model {spec!r}: cannot load its config: {first}") from None


def _kind_of(directory: Path) -> str:
    """A directory built by a named source remembers what it is; any other holds real weights."""
    return marker_of(directory).get("kind", "real")


def load_tokenizer(source: ModelSource):
    """The tokenizer saved with a model source: the one loader for training, inference and token counts."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(source.path)


def load(source: ModelSource | str, *, adapter: str | Path | None = None, device: str | None = None,
         dtype=None, nf4_base: bool = False) -> Loaded:
    """Model and tokenizer for inference in bf16 (CUDA) or fp32 (CPU) unless `dtype` says otherwise, with a LoRA
    adapter if given; a --model value is resolved first, a ModelSource is used as it is. `nf4_base`: the base
    weights as a 4-bit QLoRA run trained on them, dequantized (persona.nf4; CUDA only)."""
    from transformers import AutoModelForCausalLM

    source = source if isinstance(source, ModelSource) else resolve(source)
    device = device or persona.device.default_device()
    dtype = dtype or persona.device.compute_dtype(device)
    tokenizer = load_tokenizer(source)
    if nf4_base:
        if not str(device).startswith("cuda"):
            raise ValueError("this adapter was trained on 4-bit NF4 base weights, which only a CUDA GPU can "
                             "rebuild here; load it on a CUDA machine")
        from persona.nf4 import dequantized_base

        model = dequantized_base(source.path, persona.device.half_precision(), device, dtype)
    else:
        model = AutoModelForCausalLM.from_pretrained(source.path, dtype=dtype).to(device)
    if adapter is not None:
        from peft import PeftModel

        # peft puts the adapter's weights on the device it infers (CUDA when there is one), not the base's
        model = PeftModel.from_pretrained(model, str(adapter), torch_device=device)
    model.eval()
    return Loaded(model, tokenizer, source)
