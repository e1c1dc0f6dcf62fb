"""The unsloth backend: Unsloth's FastLanguageModel in 4-bit with the seed's LoRA settings (CUDA only).

Unsloth patches transformers, trl and peft when imported, so `import_first` imports it (persona.device) before
the model source is resolved, once the compile and autotune caches point under the model cache (its Triton
kernels and torch.compile'd functions are most of a run's warm-up); it applies its own (offloaded) gradient
checkpointing in get_peft_model.
"""
from __future__ import annotations

from persona import device
from persona.backends import Backend
from persona.models import cache_root


def prepare(config, source):
    hp = config.hparams
    if not device.cuda_available():
        raise RuntimeError("the unsloth backend needs a CUDA GPU; use --backend hf on this machine")
    if refuses(hp):
        raise ValueError(refuses(hp))
    FastLanguageModel = device.import_unsloth().FastLanguageModel

    model, tokenizer = FastLanguageModel.from_pretrained(
        model_name=source.path, max_seq_length=hp.max_seq_length, dtype=device.compute_dtype("cuda"),
        load_in_4bit=hp.load_in_4bit)
    model = FastLanguageModel.get_peft_model(
        model, r=hp.lora_r, target_modules=list(hp.target_modules), lora_alpha=hp.lora_alpha,
        lora_dropout=hp.lora_dropout, bias="none",
        use_gradient_checkpointing="unsloth" if hp.gradient_checkpointing else False,
        random_state=hp.seed)
    return model, tokenizer


def import_first():
    """The unsloth module, imported with the compile caches under models/cache/compile/ (or PERSONA_CACHE's)."""
    device.persist_compile_caches(cache_root() / "compile")
    return device.import_unsloth()


def refuses(hparams) -> str:
    return "" if hparams.finetune == "lora" else "the unsloth backend trains LoRA adapters only (finetune = \"lora\")"


def available() -> bool:
    return device.cuda_available() and device.unsloth_installed()


def probe() -> tuple[bool, str]:
    """Whether unsloth imports here, and its version."""
    if not device.unsloth_installed():
        return False, "not installed: pip install -e .[gpu] (the hf backend runs instead)"
    try:
        return True, f"{device.import_unsloth().__version__}"
    except Exception as err:  # a broken install is worth reporting, not crashing on
        return False, f"import failed: {type(err).__name__}: {err}"


BACKEND = Backend(name="unsloth", prepare=prepare, available=available, auto_rank=1,
                  import_first=import_first, trainer_checkpointing=False, probe=probe,
                  refuses=refuses)
