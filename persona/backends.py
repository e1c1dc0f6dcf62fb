"""The Unsloth backend: FastLanguageModel in 4-bit with the seed's LoRA settings (CUDA only).

Plugs into persona.train.train like the hf backend: prepare(config, source) -> (peft model, tokenizer); the
training loop, rows and labels are shared.
"""
from __future__ import annotations

from persona import device


def prepare_unsloth(config, source):
    if not device.cuda_available():
        raise RuntimeError("the unsloth backend needs a CUDA GPU; use --backend hf on this machine")
    if config.finetune != "lora":
        raise ValueError("the unsloth backend trains LoRA adapters only (finetune = \"lora\")")
    FastLanguageModel = device.import_unsloth().FastLanguageModel

    model, tokenizer = FastLanguageModel.from_pretrained(
        model_name=source.path, max_seq_length=config.max_seq_length, dtype=None,
        load_in_4bit=config.load_in_4bit)
    model = FastLanguageModel.get_peft_model(
        model, r=config.lora_r, target_modules=list(config.target_modules), lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout, bias="none",
        use_gradient_checkpointing="unsloth" if config.gradient_checkpointing else False,
        random_state=config.seed)
    return model, tokenizer


def unsloth_available() -> bool:
    return device.unsloth_installed()
