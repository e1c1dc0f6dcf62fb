"""persona export and its round-trip check on a small export: a two-layer Llama with smollm2-135m's tokenizer
(random weights, 3 M parameters), exported with llama.cpp's converter and read back.

The controls (a faithful merged and GGUF export) must agree; each planted export fault must fail `export-agrees`
with its reason: a GGUF without the chat template, a GGUF whose eos is `<|endoftext|>`, a template that drops
the thinking switch, a merged export whose config and generation config disagree on eos, and an export of the
base model instead of the fine-tune. The agreement and KL bars themselves come from smollm2-135m
(docs/calibration.md); here the faults are ones a bar or a metadata check must catch at any weights.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from persona.model_sources import smollm2 as smollm

try:
    smollm.gguf_file()
    HAVE_SMOLLM2 = True
except smollm.MissingModelPackage:
    HAVE_SMOLLM2 = False

pytestmark = pytest.mark.skipif(not HAVE_SMOLLM2, reason=f"needs the smollm2 tokenizer: {smollm.INSTALL}")

SMALL = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
             num_key_value_heads=2, head_dim=16, initializer_range=0.2, tie_word_embeddings=True,
             rms_norm_eps=1e-5, max_position_embeddings=2048)
"""A model whose logits are confident enough (init std 0.2) that other weights change its greedy tokens."""
PROMPTS = 4
"""Toy test prompts used (each asked with thinking on and off)."""


def _small_model(seed: int, tokenizer):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=len(tokenizer), bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, **SMALL)
    return LlamaForCausalLM(config).eval()


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """A finished run folder: a small base model and its "fine-tune" (the base with every weight moved)."""
    import torch

    from persona.export import load_run
    from persona.models import load_tokenizer, resolve

    tokenizer = load_tokenizer(resolve(smollm.SMOLLM2))
    root = tmp_path_factory.mktemp("small-run")
    base = _small_model(0, tokenizer)
    base.save_pretrained(root / "base")
    tokenizer.save_pretrained(root / "base")
    with torch.no_grad():
        for param in base.parameters():
            param.add_(torch.randn_like(param) * 0.2)
    base.save_pretrained(root / "run" / "final")
    tokenizer.save_pretrained(root / "run" / "final")
    (root / "run" / "result.json").write_text(json.dumps({"backend": "hf", "model": str(root / "base"),
                                                          "kind": "real"}))
    return load_run(root / "run")


@pytest.fixture(scope="module")
def reference(small_run):
    from persona.export import adapter_model
    from persona.export_check import reference_pass, test_conversations

    return reference_pass(*adapter_model(small_run), test_conversations()[:PROMPTS])


@pytest.fixture(scope="module")
def good_gguf(small_run, tmp_path_factory) -> Path:
    from persona.export import export_gguf

    return export_gguf(small_run, tmp_path_factory.mktemp("gguf"), "f32")


def _reasons(small_run, path, reference) -> list[str]:
    from persona.export_check import check_run

    return check_run(small_run, path, reference)[1]


def _rewrite(source: Path, *edits: str) -> Path:
    """A copy of a GGUF file with its metadata edited by gguf's own gguf_new_metadata."""
    target = source.with_name(f"{source.stem}-{abs(hash(edits))}.gguf")
    subprocess.run([sys.executable, "-m", "gguf.scripts.gguf_new_metadata", str(source), str(target), *edits,
                    "--force"], check=True, capture_output=True)
    return target


def test_gguf_carries_template_and_im_end(good_gguf, small_run, reference):
    from persona.export_check import gguf_metadata
    from persona.tokenizer import QWEN3_CHAT_TEMPLATE

    meta = gguf_metadata(good_gguf)
    assert meta["chat_template"] == QWEN3_CHAT_TEMPLATE and meta["tokenizer_model"] == "gpt2", meta
    assert meta["eos_id"] == 2, f"eos should be <|im_end|> (id 2), got {meta['eos_id']}"
    assert _reasons(small_run, good_gguf, reference) == [], "a faithful f32 GGUF must agree with its run"


def test_merged_agrees_and_agrees_on_eos(small_run, reference, tmp_path):
    from persona.export import export_merged

    merged = export_merged(small_run, tmp_path / "merged", "f32")
    for name in ("config.json", "generation_config.json"):
        assert json.loads((merged / name).read_text())["eos_token_id"] == 2, name
    assert json.loads((merged / "tokenizer_config.json").read_text())["eos_token"] == "<|im_end|>"
    assert _reasons(small_run, merged, reference) == []


FAULTS = {
    "gguf-without-template": (("--remove-metadata", "tokenizer.chat_template"), "no chat template"),
    "gguf-eos-endoftext": (("--special-token", "eos", "<|endoftext|>"), "eos id is 0"),
    "template-without-thinking-switch": (
        ("--chat-template", "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
                            "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"),
        "renders 4/8 prompts unlike training"),
}


@pytest.mark.parametrize("fault", FAULTS, ids=str)
def test_planted_gguf_fault_fails_with_its_reason(fault, good_gguf, small_run, reference):
    edits, reason = FAULTS[fault]
    found = _reasons(small_run, _rewrite(good_gguf, *edits), reference)
    assert any(reason in r for r in found), f"{fault}: expected '{reason}' among {found}"


def test_merged_with_disagreeing_eos_fails(small_run, reference, tmp_path):
    from persona.export import export_merged

    merged = export_merged(small_run, tmp_path / "merged", "f32")
    path = merged / "generation_config.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "eos_token_id": 0}))
    assert any("eos id is None" in r for r in _reasons(small_run, merged, reference))


def test_export_of_the_base_model_fails(small_run, reference, tmp_path):
    from persona.export import export_gguf
    from persona.models import load

    base = load(small_run.source, device="cpu").model  # the weights the run started from, not its fine-tune
    path = export_gguf(small_run, tmp_path, "f32", model=base)
    found = _reasons(small_run, path, reference)
    assert any("next-token agreement" in r for r in found), f"a base-model export must fail agreement: {found}"


def test_a_run_folder_whose_weights_are_in_the_cache_exports_from_there(small_run, tmp_path):
    # persona evaluate writes models/<run>/ with result.json and config.json; the weights stay in the cached run
    # config.json names (output_dir/run_name), and export finds them there
    from persona.export import load_run

    copy = tmp_path / "toy-smollm2-135m"
    copy.mkdir()
    shutil.copyfile(small_run.run_dir / "result.json", copy / "result.json")
    config = {"output_dir": str(small_run.run_dir.parent), "run_name": small_run.run_dir.name}
    (copy / "config.json").write_text(json.dumps(config))
    assert load_run(copy).run_dir == small_run.run_dir
    (copy / "config.json").write_text(json.dumps({**config, "run_name": "gone"}))
    with pytest.raises(ValueError, match="not a finished training run"):
        load_run(copy)


def test_cli_rejects_a_folder_that_is_not_a_run(tmp_path, capsys):
    from persona.cli import main

    assert main(["export", str(tmp_path), "--format", "gguf", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "not a finished training run" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists(), "nothing is written for bad input"


GO_TO_JINJA = {"range .Messages": "for m in messages", ".Role": "m.role", ".Content": "m.content",
               "if and .IsThinkSet (not .Think)": "if think_set and not think"}
"""The Go-template constructs the README's Modelfile uses, as Jinja (Ollama renders Go templates)."""


def _go_template_as_jinja(template: str) -> str:
    import re

    opened = []

    def action(match):
        trim, body = match.group(1), match.group(2).strip()
        if body == "end":
            return "{%" + trim + " end" + opened.pop() + " %}"
        if body in (".Role", ".Content"):
            return "{{ " + GO_TO_JINJA[body] + " }}"
        statement = GO_TO_JINJA[body]  # KeyError: a construct this test does not know
        opened.append(statement.split()[0])
        return "{%" + trim + " " + statement + " %}"

    return re.sub(r"\{\{(-?)(.*?)\}\}", action, template)


def test_readme_modelfile_renders_like_training():
    """The README's Ollama Modelfile: a GGUF that `persona export` writes, stop on <|im_end|>, and a template
    that renders a conversation as persona trains it, thinking on (Ollama's default) and off (--think=false)."""
    import re

    import jinja2

    from persona.chat import format_conversation
    from persona.export_check import test_conversations
    from tests.helpers import ROOT

    [block] = re.findall(r"```Modelfile\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
    assert re.search(r"^FROM \./exported/\S+-q8_0\.gguf$", block, flags=re.M), block
    assert re.search(r"^PARAMETER stop <\|im_end\|>$", block, flags=re.M), "Ollama must stop at the end of a turn"
    template = jinja2.Template(_go_template_as_jinja(re.search(r'TEMPLATE """(.*?)"""', block, re.S).group(1)))
    conversation = test_conversations()[0]
    for think_set, think, thinking in ((False, False, True), (True, True, True), (True, False, False)):
        assert template.render(messages=conversation, think_set=think_set, think=think) == format_conversation(
            conversation, add_generation_prompt=True, thinking=thinking), (think_set, think)
