"""Model sources: a hub id, a local directory, `smollm2-135m`, `synthetic:qwen3-1.7b`, or `tiny`.

Every source resolves to a directory that transformers (and Unsloth) can load, so the training and
inference code is the same for all of them:

- hub id / local dir: real weights ("real"); a hub id is downloaded by transformers on first use.
- `smollm2-135m`: SmolLM2-135M-Instruct, real weights shipped through pip (persona/smollm.py), converted
  offline once; the real model a CPU can fine-tune and judge in minutes.
- `synthetic:qwen3-1.7b`: Qwen3-1.7B's exact architecture with random weights and the offline Qwen3
  tokenizer — the real VRAM and speed, nothing about quality.
- `tiny`: a two-layer Qwen3ForCausalLM with a small byte-level BPE tokenizer that carries Qwen3's
  special tokens, built offline in seconds and deterministically; the CPU smoke model.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import persona.device
from persona import atomic
from persona.chat import IM_END
from persona.shipped import TOY_DATA
from persona.tokenizer import QWEN3_ADDED_TOKENS

SYNTHETIC_QWEN3_1_7B = dict(
    hidden_size=2048, intermediate_size=6144, num_hidden_layers=28, num_attention_heads=16,
    num_key_value_heads=8, head_dim=128, vocab_size=151936, max_position_embeddings=40960,
    rope_theta=1_000_000.0, rms_norm_eps=1e-6, tie_word_embeddings=True,
    bos_token_id=151643, eos_token_id=151645, pad_token_id=151643,
)
"""Qwen3-1.7B's published config, minus the weights."""
TINY = dict(hidden_size=64, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, head_dim=16, max_position_embeddings=4096, rope_theta=1_000_000.0,
            rms_norm_eps=1e-6, tie_word_embeddings=True)
TINY_EMBEDDING_STD = 0.2
"""Behind the final RMSNorm, logit spread is std * sqrt(hidden): 0.2 gives ~1.6 at init and room for
confident predictions once trained, which the default 0.02 (max logit ~1.3) never allows."""
TINY_VOCAB = 2048
"""BPE vocabulary of the tiny tokenizer before Qwen3's special tokens are added."""
SYNTHETIC_SPEC = "synthetic:qwen3-1.7b"
SMOLLM2 = "smollm2-135m"
"""The --model value of the real model shipped through pip (persona/smollm.py)."""


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
    return spec not in ("tiny", SMOLLM2) and not spec.startswith("synthetic:") \
        and not Path(spec).expanduser().exists() and spec.count("/") == 1 and not spec.startswith(("/", "."))


DEFAULT_MODEL = "unsloth/Qwen3-1.7B"
"""The model the plan fine-tunes: --model auto with CUDA, and the training config's default."""


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
    if spec == "tiny":
        return ModelSource(spec, str(build_tiny(cache_root() / "tiny")), "tiny")
    if spec == SMOLLM2:
        from persona.smollm import build_smollm2

        return ModelSource(spec, str(build_smollm2(cache_root() / SMOLLM2)), "real")
    if spec.startswith("synthetic:"):
        name = spec.split(":", 1)[1]
        if name != "qwen3-1.7b":
            raise ValueError(f"unknown synthetic model {name!r}; known: qwen3-1.7b")
        return ModelSource(spec, str(build_synthetic(cache_root() / "synthetic-qwen3-1.7b")), "synthetic")
    local = Path(spec).expanduser()
    if local.exists():
        if not (local / "config.json").exists():
            raise ValueError(f"{local}: not a model directory (no config.json)")
        return ModelSource(spec, str(local), _kind_of(local))
    if not is_hub_id(spec):
        raise ValueError(f"--model {spec!r}: no such directory, and not a hub id of the form owner/name")
    return ModelSource(spec, spec, "real")


def kind_of(spec: str) -> str:
    """The kind of a --model value, without building, converting or downloading anything."""
    if spec == "tiny" or spec.startswith("synthetic:"):
        return spec.split(":", 1)[0]
    local = Path(spec).expanduser()
    return _kind_of(local) if local.is_dir() else "real"


def run_name_for(spec: str, baseline: bool = False) -> str:
    """The default run folder under models/: `toy` for real weights, `toy-tiny` / `toy-synthetic` otherwise, so
    a pipeline smoke never writes over a real run; `-baseline` when the base model is scored in place."""
    kind = kind_of(spec)
    return ("toy" if kind == "real" else f"toy-{kind}") + ("-baseline" if baseline else "")


def check_loadable(spec: str) -> None:
    """ValueError in one line when this machine cannot load `spec` at all.

    Builds nothing (offline models are built when first used) and reads a real model's config only (a hub
    id may fetch that one small file), so a typo in --model is a usage error before any test or training
    starts, never a verdict.
    """
    if spec.startswith("synthetic:") and spec != SYNTHETIC_SPEC:
        raise ValueError(f"--model {spec!r}: unknown synthetic model; known: {SYNTHETIC_SPEC}")
    if kind_of(spec) != "real":
        return
    source = resolve(spec)
    from transformers import AutoConfig

    try:
        AutoConfig.from_pretrained(source.path)
    except Exception as err:  # OSError, ValueError, JSON errors: all mean "not loadable here"
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"--model {spec!r}: cannot load its config: {first}") from None


def _kind_of(directory: Path) -> str:
    """A directory built by this module remembers what it is."""
    marker = directory / "persona_model.json"
    return json.loads(marker.read_text())["kind"] if marker.exists() else "real"


def _corpus_texts() -> list[str]:
    """Fixed text the tiny tokenizer is trained on: the toy dataset, when it is there."""
    texts = []
    for path in sorted(TOY_DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            try:
                record = json.loads(line)
                texts += [m.get("content", "") + "\n" + (m.get("reasoning_content") or "")
                          for m in record["messages"]]
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
    return texts or ["The quick brown fox jumps over the lazy dog. " * 4]


def tiny_tokenizer(texts: list[str]):
    """Byte-level BPE with Qwen3's special tokens and chat roles; byte fallback means no text is unknown."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=TINY_VOCAB, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator(texts, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token=IM_END, pad_token="<|endoftext|>",
                                        additional_special_tokens=list(QWEN3_ADDED_TOKENS))
    return tokenizer


def _fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:12]


def build_tiny(directory: Path) -> Path:
    """Build (or reuse) the tiny model; rebuilt when its corpus or shape changes."""
    texts = _corpus_texts()
    key = _fingerprint(texts, TINY, TINY_VOCAB, TINY_EMBEDDING_STD)
    marker = directory / "persona_model.json"
    if marker.exists() and json.loads(marker.read_text()).get("key") == key:
        return directory
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    tokenizer = tiny_tokenizer(texts)
    ids = tokenizer.convert_tokens_to_ids(["<|endoftext|>", IM_END])
    config = Qwen3Config(vocab_size=-(-len(tokenizer) // 64) * 64, bos_token_id=ids[0], eos_token_id=ids[1],
                         pad_token_id=ids[0], **TINY)
    torch.manual_seed(0)
    model = Qwen3ForCausalLM(config)
    # LoRA leaves the (tied) embeddings frozen, so their scale bounds how confident the model can ever be.
    with torch.no_grad():
        model.get_input_embeddings().weight.normal_(0.0, TINY_EMBEDDING_STD)
    _save(model, tokenizer, directory, {"kind": "tiny", "key": key})
    return directory


def build_synthetic(directory: Path) -> Path:
    """Qwen3-1.7B with random bf16 weights and the offline Qwen3 tokenizer (about 3.4 GB on disk)."""
    marker = directory / "persona_model.json"
    if marker.exists():
        return directory
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    from persona.tokenizer import qwen3_tokenizer

    config = Qwen3Config(**SYNTHETIC_QWEN3_1_7B)
    config.torch_dtype = "bfloat16"
    torch.manual_seed(0)
    device = persona.device.default_device()
    with torch.device(device):
        model = Qwen3ForCausalLM(config).to(torch.bfloat16)
    _save(model, qwen3_tokenizer(), directory, {"kind": "synthetic"})
    del model
    if device == "cuda":
        torch.cuda.empty_cache()
    return directory


def _save(model, tokenizer, directory: Path, marker: dict) -> None:
    """Write the model whole, so an interrupted build leaves nothing half-written."""
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    with atomic.directory(directory) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / "persona_model.json").write_text(json.dumps(marker))


def load_tokenizer(source: ModelSource):
    """The tokenizer saved with a model source: the one loader for training, inference and token counts."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(source.path)


def load(source: ModelSource | str, *, adapter: str | Path | None = None, device: str | None = None) -> Loaded:
    """Model and tokenizer for inference in bf16 (CUDA) or fp32 (CPU), with a LoRA adapter if given; a --model
    value is resolved first, a ModelSource is used as it is."""
    from transformers import AutoModelForCausalLM

    source = source if isinstance(source, ModelSource) else resolve(source)
    device = device or persona.device.default_device()
    dtype = persona.device.compute_dtype(device)
    tokenizer = load_tokenizer(source)
    model = AutoModelForCausalLM.from_pretrained(source.path, dtype=dtype).to(device)
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter))
    model.eval()
    return Loaded(model, tokenizer, source)
