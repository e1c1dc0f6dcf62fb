"""Model source `smollm2-135m`: found through the pip distribution without network, converted once into the
cache, with the special tokens and ChatML markers persona trains on; a missing package is one clear line."""
from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest

from persona.model_sources import smollm2 as smollm
from persona.chat import IGNORE_INDEX, IM_END, format_conversation, render
from persona.models import SMOLLM2, resolve


def _installed() -> bool:
    try:
        smollm.gguf_file()
    except smollm.MissingModelPackage:
        return False
    return True


needs_package = pytest.mark.skipif(not _installed(), reason=f"needs the weights package: {smollm.INSTALL}")


@pytest.fixture(scope="module")
def converted():
    """(directory, tokenizer, config) of the converted model, built once into the shared cache."""
    from transformers import AutoConfig, AutoTokenizer

    source = resolve(SMOLLM2)
    return source, AutoTokenizer.from_pretrained(source.path), AutoConfig.from_pretrained(source.path)


@needs_package
def test_resolves_to_a_cached_real_model_directory(converted):
    source, _, _ = converted
    marker = json.loads((Path(source.path) / "persona_model.json").read_text())
    assert source.kind == "real" and source.has_real_weights
    assert marker["kind"] == "real" and marker["source"] == SMOLLM2 and marker["key"]
    before = (Path(source.path) / "model.safetensors").stat().st_mtime_ns
    again = resolve(SMOLLM2)
    after = (Path(again.path) / "model.safetensors").stat().st_mtime_ns
    assert again.path == source.path and before == after, "a second resolve must reuse the cache, not rebuild"


@needs_package
def test_config_has_no_quantization_and_matches_the_tokenizer(converted):
    _, tokenizer, config = converted
    assert getattr(config, "quantization_config", None) is None, "save_pretrained output must be plain weights"
    assert config.model_type == "llama" and config.vocab_size == len(tokenizer)
    assert (tokenizer.eos_token, tokenizer.eos_token_id, config.eos_token_id) == (IM_END, 2, 2)
    assert tokenizer.pad_token == "<|endoftext|>" and tokenizer.pad_token_id == config.pad_token_id == 0
    assert tokenizer.pad_token_id != tokenizer.eos_token_id, "padding must never look like an end of turn"


@needs_package
def test_chatml_renders_with_single_marker_tokens_and_no_bos(converted):
    _, tokenizer, _ = converted
    messages = [{"role": "user", "content": "Ship it?"},
                {"role": "assistant", "content": "no.", "reasoning_content": "friday deploys bite."}]
    text = format_conversation(messages)
    ids = tokenizer(text)["input_ids"]
    assert ids[0] == tokenizer.convert_tokens_to_ids("<|im_start|>"), "no BOS may be prepended to the chat text"
    assert tokenizer.decode(ids) == text, "decoding must give back the rendered chat text exactly"
    rendered = render(messages, tokenizer)
    trained = [t for t, label in zip(rendered.input_ids, rendered.labels) if label != IGNORE_INDEX]
    assert trained[-1] == tokenizer.eos_token_id, "the answer's labels end with <|im_end|>, the stop token"
    assert tokenizer.decode(trained) == "<think>\nfriday deploys bite.\n</think>\n\nno.<|im_end|>"
    prompt = tokenizer.apply_chat_template(messages[:1], tokenize=False, add_generation_prompt=True,
                                           enable_thinking=False)
    assert prompt == format_conversation(messages[:1], add_generation_prompt=True, thinking=False)


@pytest.mark.parametrize("missing", ["distribution", "gguf"])
def test_missing_package_is_one_line_with_the_install_command(monkeypatch, missing):
    if missing == "distribution":
        def absent(name):
            raise metadata.PackageNotFoundError(name)
        monkeypatch.setattr(smollm.metadata, "distribution", absent)
    else:
        if not _installed():
            pytest.skip(f"needs the weights package to reach the gguf check: {smollm.INSTALL}")
        monkeypatch.setattr(smollm.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(smollm.MissingModelPackage) as err:
        resolve(SMOLLM2)
    message = str(err.value)
    assert "\n" not in message and smollm.INSTALL in message and "--no-deps" in message


def test_train_cli_reports_a_missing_package_without_traceback(monkeypatch, capsys, tmp_path):
    from persona.cli import main

    def absent(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(smollm.metadata, "distribution", absent)
    code = main(["train", "--model", SMOLLM2, "--set", f"output_dir={tmp_path}"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err
    assert smollm.INSTALL in err


def test_a_missing_package_is_refused_before_the_backend_imports(monkeypatch, capsys, tmp_path):
    """On CUDA the chosen backend imports unsloth first, which prints and patches: the missing package must be
    the one line on the terminal, so it is checked before that import (forced here: the backend is a stand-in
    that would print)."""
    from persona import backends
    from persona.cli import main

    def absent(name):
        raise metadata.PackageNotFoundError(name)

    imported = []
    hf = backends.get("hf")

    class Printing:
        def __getattr__(self, name):
            return getattr(hf, name)

        def import_first(self):
            imported.append(True)
            print("banner a backend prints on import", file=__import__("sys").stderr)

    monkeypatch.setattr(smollm.metadata, "distribution", absent)
    monkeypatch.setattr(backends, "choose", lambda requested, hparams=None: Printing())
    code = main(["train", "--model", SMOLLM2, "--set", f"output_dir={tmp_path}"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.splitlines() == [err] and smollm.INSTALL in err
    assert not imported, "the backend was imported before the missing package was reported"
