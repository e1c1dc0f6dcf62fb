"""`export-agrees` (ADJUST): the run exported the way people chat with it — merged 16-bit safetensors and a GGUF
file — and read back agrees with the run as trained, on the toy test prompts with thinking on and off.

Each export is loaded again (merged with transformers, GGUF with transformers' GGUF loader) and must carry
the chat template persona trains with (it renders every prompt, `enable_thinking` on and off, as training
did) and `<|im_end|>` as eos; it ranks first nearly every one of the adapter's first 64 greedy tokens (fed its
own rendering of the prompt and the adapter's tokens before each); its mean
next-token KL from the adapter stays under the bar; and its thinking on/off shares stay with the adapter's.
Bars: persona.criteria, from the smollm2-135m measurements in docs/calibration.md. Real weights only: random
weights agree with anything that copies them.
"""
from __future__ import annotations

import time

import pytest

EXPORTS = (("gguf", "q8_0"),)
"""What the suite exports: the GGUF a llama.cpp user would take, written from a merged copy (so the merge is on
its path too). `persona export --format merged` checks the merged export the same way; the suite leaves it out
for time (each export and its check is minutes on 2 CPU cores)."""


@pytest.fixture(scope="session")
def export_reference(trained_model):
    from persona.export import adapter_model
    from persona.export_check import reference_pass, test_conversations

    return reference_pass(*adapter_model(trained_model.result), test_conversations())


@pytest.mark.criterion("export-agrees")
@pytest.mark.parametrize("format_quant", EXPORTS, ids=lambda f: "-".join(f))
def test_export_agrees(criterion, format_quant, trained_model, export_reference, tmp_path_factory, transcript,
                       request):
    from persona.export import export_gguf, export_merged
    from persona.export_check import check_run, thinking_gap

    fmt, quant = format_quant
    out = tmp_path_factory.mktemp(f"export-{fmt}")
    run = trained_model.result
    started = time.perf_counter()
    written = export_merged(run, out / "merged", quant) if fmt == "merged" else export_gguf(run, out, quant)
    exported = time.perf_counter()
    figures, _ = check_run(run, written, export_reference)
    request.node.phase_note = f"export {exported - started:.1f} s, read back and compared " \
                              f"{time.perf_counter() - exported:.1f} s"
    transcript.append((f"export {fmt} {quant}", "toy test prompts, thinking on and off", figures.line(), ""))
    criterion.check(len(figures.problems), "problems", detail="; ".join(figures.problems))
    criterion.check(figures.agreement, "agreement", detail=figures.line())
    criterion.check(figures.kl_mean, "kl_mean", detail=figures.line())
    criterion.check(thinking_gap(figures), "thinking_gap", detail=figures.line())
