"""Cached training runs: train once, reuse while data, config, model and library versions are unchanged."""
from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from persona import device
from persona.config import TrainConfig
from persona.models import SMOLLM2, ModelSource, cache_root, load, resolve
from persona.model_sources import marker_of, named_sources
from persona.train import TrainResult, train
from persona.vram import free_cuda

_VERSIONED = ("torch", "transformers", "peft", "trl", "unsloth", "bitsandbytes")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


TRAINING_CODE = ("chat.py", "data.py", "messages.py", "tokenizer.py", "train.py", "device.py", "nf4.py", "backends")
"""persona's own modules that render the data and train (a folder: every .py in it): a change to any of them
can change the trained weights, so their bytes are in the cache key. config.py is not: the values it yields
are hashed whole."""
HASHED_FILE_BYTES = 64 * 2**20
"""A local model folder's files up to this size are hashed whole; larger ones (weights) by size and mtime."""


def code_digest() -> str:
    """sha256 of TRAINING_CODE's source files, by their paths inside the package."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in TRAINING_CODE:
        path = package / name
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(str(file.relative_to(package)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def folder_digest(directory: Path) -> str:
    """What a local model folder holds: each file's path and size, with its bytes (small files) or its mtime
    (large ones), so replaced weights or config give another key."""
    digest = hashlib.sha256()
    for file in sorted(p for p in Path(directory).rglob("*") if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.relative_to(directory)}\0{stat.st_size}\0".encode())
        if stat.st_size <= HASHED_FILE_BYTES:
            digest.update(hashlib.sha256(file.read_bytes()).digest())
        else:
            digest.update(str(stat.st_mtime_ns).encode())
    return digest.hexdigest()


def cache_key(config: TrainConfig, source: ModelSource | None = None) -> str:
    """Hash of the training data's bytes, the hyperparameters (whole), the model's identity (a local folder's
    files, a named source's build key), persona's version and training code, the library versions and the device
    it trains on (a CPU run is fp32, a CUDA one 4-bit: not the same model); where the run is written is not in
    it. `source` is config.run.model resolved (here when not given)."""
    source = source or resolve(config.run.model)
    model_id = source.spec + marker_of(Path(source.path)).get("key", "")
    local = Path(source.path)
    if source.spec not in named_sources() and local.is_dir():
        model_id += ":" + folder_digest(local)
    hashed = {**asdict(config.hparams), "model": source.spec}
    digest = hashlib.sha256()
    digest.update(Path(config.run.train_file).read_bytes())
    persona = [_version("persona"), code_digest(), device.default_device()]
    digest.update(json.dumps([hashed, model_id, [_version(p) for p in _VERSIONED], persona],
                             sort_keys=True).encode())
    return digest.hexdigest()[:16]


def train_cached(config: TrainConfig, *, runs_dir: Path | None = None, log=print) -> tuple[TrainResult, bool]:
    """(result, reused): a finished run with the same key is read back instead of training again.

    The run trains under runs_dir/<key>; training.log and config.json are also copied to config.run_dir.
    """
    source = resolve(config.run.model)  # once: the key, a reused run and a new one share it
    key = cache_key(config, source)
    runs_dir = Path(runs_dir or cache_root() / "runs")
    cached = runs_dir / key
    result_file = cached / "result.json"
    if result_file.exists() and (cached / "final").is_dir() and "final_step" in json.loads(result_file.read_text()):
        result = TrainResult.read(cached, source)
        log(f"persona: reusing the cached training run {cached} (same data, config, model and versions)")
        reused = True
    else:
        shutil.rmtree(cached, ignore_errors=True)
        result = train(config.replace(output_dir=str(runs_dir), run_name=key), source=source)
        reused = False
    config.run_dir.mkdir(parents=True, exist_ok=True)
    for name in ("training.log", "config.json", "result.json"):
        if (result.run_dir / name).exists():
            shutil.copyfile(result.run_dir / name, config.run_dir / name)
    return result, reused


def load_trained(result: TrainResult):
    """(model, tokenizer) for generation.

    On CUDA the adapter is merged into a bf16 copy of the base it trained on — for a QLoRA run the NF4 weights
    dequantized (persona.nf4): the model one would serve, and the fast one to decode with (the 4-bit training
    model decodes several times slower). On CPU the in-memory model is used when there is one, else the base
    with the saved adapter (or, for finetune="full", the saved model).
    """
    full = not (result.adapter_dir / "adapter_config.json").exists()
    cuda = device.cuda_available()
    if not cuda and result.model is not None:
        result.model.eval()
        return result.model, result.tokenizer
    result.model = None  # drop the training model before a second copy lands on the GPU
    free_cuda()
    if full:
        loaded = load(str(result.adapter_dir))
        return loaded.model, loaded.tokenizer
    loaded = load(result.source, adapter=result.adapter_dir, nf4_base=result.base_4bit)
    model = loaded.model.merge_and_unload() if cuda else loaded.model
    return model.eval(), loaded.tokenizer


def latest_real_run(*roots: Path) -> TrainResult | None:
    """The most recently finished run on real weights under `roots` (each run folder holds result.json and
    final/); tiny and synthetic runs are passed over: they have nothing to say in a chat."""
    found = []
    for root in roots:
        for result_file in Path(root).glob("*/result.json"):
            run = result_file.parent
            try:
                summary = json.loads(result_file.read_text())
            except (OSError, ValueError):
                continue
            if summary.get("kind") == "real" and (run / "final").is_dir():
                found.append(((run / "final").stat().st_mtime, run, summary))
    if not found:
        return None
    _, run, summary = max(found, key=lambda item: item[0])
    return TrainResult.read(run)


def chat_target(output_dir: Path) -> tuple[str, Path | None, str]:
    """(model, adapter, why) for a chat with no --model: the latest real-weights run, else the real small model."""
    run = latest_real_run(output_dir, cache_root() / "runs")
    if run is None:
        return SMOLLM2, None, f"no trained run on real weights under {output_dir}; the base {SMOLLM2} model"
    if (run.adapter_dir / "adapter_config.json").exists():
        return run.source.spec, run.adapter_dir, f"the latest trained run, {run.run_dir}"
    return str(run.adapter_dir), None, f"the latest trained run, {run.run_dir}"
