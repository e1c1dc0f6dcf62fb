"""An export read back and held to the run it came from: template, eos, greedy tokens, next-token KL, thinking.

    export = load_export(path)                        # merged folder (transformers) or .gguf (transformers' loader)
    reference = reference_pass(model, tokenizer, conversations)   # the adapter, rendered as persona trains
    figures = compare(reference, export)              # ExportFigures: agreement, KL, thinking, problems

The reference is the run as trained (base + unmerged adapter, fp32) with prompts rendered by persona's own
chat format. The export renders the same conversations with the chat template it carries (a GGUF's from its
metadata, as llama.cpp's Jinja path reads it) and tokenizes them with its own tokenizer, so a lost template,
a lost `enable_thinking`, a changed tokenizer or other weights all show in the greedy tokens. KL is taken
teacher-forced on the reference's own tokens, so it measures the weights alone.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from persona.chat import IM_END, THINK_OPEN, format_conversation

MAX_NEW_TOKENS = 64
"""Greedy tokens compared per prompt and mode."""


@dataclass
class Export:
    """An export read back: its model and tokenizer, and what it says about chat and stopping."""
    path: Path
    format: str
    """"merged" or "gguf"."""
    model: object
    tokenizer: object
    chat_template: str | None
    eos_id: int | None
    """The id the export stops on (config / generation config, or the GGUF's tokenizer.ggml.eos_token_id)."""


@dataclass
class Reference:
    conversations: list
    modes: list
    """The thinking flag of each row (every conversation is asked with thinking on and off)."""
    prompt_ids: list
    new_ids: list
    texts: list
    """The new tokens decoded, special tokens kept."""
    im_end_id: int
    model: object = field(repr=False, default=None)


@dataclass
class ExportFigures:
    format: str
    agreement: float
    """Share of the reference's greedy tokens the export ranks first, fed its own rendering of the prompt (its
    template and tokenizer) and the reference's tokens before each one (teacher-forced: one early near-tie does
    not decide the rest of the answer, as it does in a free-running comparison)."""
    greedy_prefix: float
    """Mean over prompts and modes of the free-running greedy prefix shared with the reference, as a share of its
    tokens (reported: a near-tie early in an answer sends the rest of it elsewhere, so it swings between runs)."""
    kl_mean: float
    """Mean KL(reference || export) of next-token distributions, nats, over the reference's generated tokens."""
    thinking_on: float
    """Share of thinking-on answers that open with a think block."""
    thinking_off: float
    """Share of thinking-off answers that do not open one (the prompt already holds the empty block)."""
    reference_on: float
    reference_off: float
    problems: list
    """Template and eos problems, each one line."""
    n: int

    def line(self) -> str:
        return (f"{self.format}: next-token agreement {self.agreement:.3f} (greedy prefix {self.greedy_prefix:.3f})"
                f" over {self.n} answers, mean KL "
                f"{self.kl_mean:.5f} nats, thinking on {self.thinking_on:.2f} (adapter {self.reference_on:.2f}), "
                f"off {self.thinking_off:.2f} (adapter {self.reference_off:.2f})"
                + ("; " + "; ".join(self.problems) if self.problems else ""))


def gguf_metadata(path: Path) -> dict:
    """chat_template, eos/bos ids and the tokenizer model from a GGUF file's metadata (None where absent)."""
    from gguf import GGUFReader

    fields = GGUFReader(str(path)).fields

    def value(key):
        return fields[key].contents() if key in fields else None

    return {"chat_template": value("tokenizer.chat_template"), "eos_id": value("tokenizer.ggml.eos_token_id"),
            "bos_id": value("tokenizer.ggml.bos_token_id"), "pad_id": value("tokenizer.ggml.padding_token_id"),
            "tokenizer_model": value("tokenizer.ggml.model")}


def load_export(path: Path) -> Export:
    """A merged folder or a .gguf file, loaded in fp32 with transformers on the machine's device (where the
    adapter it is compared with runs: see persona.export.adapter_model)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from persona.device import default_device

    path, device = Path(path), default_device()
    if path.is_file() and path.suffix == ".gguf":
        meta = gguf_metadata(path)
        model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name,
                                                     dtype=torch.float32).to(device)
        tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
        if tokenizer.pad_token is None:  # only batches need one, and the attention mask hides it
            tokenizer.pad_token = tokenizer.convert_ids_to_tokens(meta["pad_id"] or 0)
        return Export(path, "gguf", model.eval(), tokenizer, meta["chat_template"], meta["eos_id"])
    if not (path / "config.json").is_file():
        raise ValueError(f"{path}: neither a .gguf file nor a merged model folder (no config.json)")
    model = AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32).to(device).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(path))
    eos = model.generation_config.eos_token_id
    eos = eos[0] if isinstance(eos, list) and len(eos) == 1 else eos
    config_eos = model.config.eos_token_id
    if config_eos != eos:
        eos = None  # config.json and generation_config.json disagree: reported as a problem
    return Export(path, "merged", model, tokenizer, tokenizer.chat_template, eos)


def render(export: Export, conversation: list, thinking: bool) -> str | None:
    """The prompt as the export's own chat template renders it (None without a template)."""
    if not export.chat_template:
        return None
    return export.tokenizer.apply_chat_template(conversation, chat_template=export.chat_template, tokenize=False,
                                                add_generation_prompt=True, enable_thinking=thinking)


def problems(export: Export, reference: Reference) -> list[str]:
    """What breaks a chat in another runtime: no template, a template that renders other prompts than the run
    was trained on (the thinking switch included), an eos that is not the end of a turn."""
    found = []
    if not export.chat_template:
        found.append("no chat template in the export")
    else:
        wrong = sum(render(export, c, t) != format_conversation(c, add_generation_prompt=True, thinking=t)
                    for c, t in zip(reference.conversations, reference.modes))
        if wrong:
            found.append(f"the chat template renders {wrong}/{len(reference.modes)} prompts unlike training "
                         "(thinking on/off included)")
    im_end = export.tokenizer.convert_tokens_to_ids(IM_END)
    if export.eos_id != im_end:
        found.append(f"eos id is {export.eos_id}, not {im_end} ({IM_END}): a chat would not stop at the end "
                     "of a turn")
    return found


def greedy(model, tokenizer, prompts: list[str], eos_id: int | None, max_new_tokens: int = MAX_NEW_TOKENS,
           batch_size: int = 10) -> tuple[list, list]:
    """(prompt ids, new ids) per prompt: greedy, each cut after its first eos (a None eos never stops). Qwen3 and
    Llama models decode through persona.decode (transformers' greedy tokens, faster), others through generate."""
    import torch

    from persona.infer import fast_decoder

    tokenizer.padding_side = "left"
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    stop, decoder, prompt_ids, new_ids = eos_id if eos_id is not None else -1, fast_decoder(model), [], []
    for start in range(0, len(prompts), batch_size):
        batch = tokenizer(prompts[start:start + batch_size], return_tensors="pt", padding=True,
                          add_special_tokens=False).to(model.device)
        ids, mask = batch["input_ids"], batch["attention_mask"]
        if decoder is not None:
            new = decoder.generate(ids, mask, max_new_tokens=max_new_tokens, eos_id=stop)
        else:
            with torch.inference_mode():
                new = model.generate(**batch, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=pad,
                                     eos_token_id=stop)[:, ids.shape[1]:]
        for row, made, row_mask in zip(ids, new.tolist(), mask):
            if eos_id in made:
                made = made[:made.index(eos_id) + 1]
            prompt_ids.append(row[row_mask.bool()].tolist())
            new_ids.append(made)
    return prompt_ids, new_ids


def reference_pass(model, tokenizer, conversations: list) -> Reference:
    """The run's own greedy answers to each conversation with thinking on and with it off."""
    rows = [(c, t) for c in conversations for t in (True, False)]
    texts = [format_conversation(c, add_generation_prompt=True, thinking=t) for c, t in rows]
    im_end = tokenizer.convert_tokens_to_ids(IM_END)
    prompt_ids, new_ids = greedy(model, tokenizer, texts, im_end)
    texts = [tokenizer.decode(ids, skip_special_tokens=False) for ids in new_ids]
    return Reference([c for c, _ in rows], [t for _, t in rows], prompt_ids, new_ids, texts, im_end, model)


def compare(reference: Reference, export: Export) -> ExportFigures:
    """The export's figures against the reference (see ExportFigures)."""
    found = problems(export, reference)
    texts = [render(export, c, t) or format_conversation(c, add_generation_prompt=True)
             for c, t in zip(reference.conversations, reference.modes)]
    prompt_ids, new_ids = greedy(export.model, export.tokenizer, texts, export.eos_id)
    shares = [_shared_prefix(r, e) / len(r) if r else float(not e) for r, e in zip(reference.new_ids, new_ids)]
    texts = [export.tokenizer.decode(ids, skip_special_tokens=False) for ids in new_ids]
    ref_think = [_opens_think(text) for text in reference.texts]
    opened = [_opens_think(text) for text in texts]
    on, off = _split(opened, reference.modes)
    ref_on, ref_off = _split(ref_think, reference.modes)
    return ExportFigures(export.format, next_token_agreement(reference, export.model, prompt_ids),
                         sum(shares) / len(shares), kl_mean(reference, export.model),
                         _share(on), _share([not o for o in off]), _share(ref_on),
                         _share([not o for o in ref_off]), found, len(shares))


def _opens_think(text: str) -> bool:
    """The answer opens with a think block (leading whitespace aside); `<think>` need not be one token."""
    return text.lstrip().startswith(THINK_OPEN)


def _split(flags: list, modes: list) -> tuple[list, list]:
    return [f for f, m in zip(flags, modes) if m], [f for f, m in zip(flags, modes) if not m]


def _share(flags: list) -> float:
    return sum(flags) / len(flags) if flags else math.nan


def _shared_prefix(a: list, b: list) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def next_token_agreement(reference: Reference, model, prompt_ids: list) -> float:
    """Share of the reference's generated tokens that `model` ranks first, each fed `prompt_ids` (the export's own
    rendering of the prompt) and the reference's tokens before it."""
    import torch

    hits, count = 0, 0
    for prompt, new in zip(prompt_ids, reference.new_ids):
        if not new:
            continue
        with torch.inference_mode():
            top = model(torch.tensor([prompt + new], device=model.device)).logits[0, len(prompt) - 1:-1].argmax(-1)
        hits += int((top == torch.tensor(new, device=top.device)).sum())
        count += len(new)
    return hits / count if count else math.nan


def kl_mean(reference: Reference, model) -> float:
    """Mean KL(reference || model) over the reference's generated positions, teacher-forced on its tokens."""
    import torch

    total, count = 0.0, 0
    for prompt, new in zip(reference.prompt_ids, reference.new_ids):
        if not new:
            continue
        ids = [prompt + new]
        with torch.inference_mode():
            ref = reference.model(torch.tensor(ids, device=reference.model.device)).logits[0, len(prompt) - 1:-1]
            got = model(torch.tensor(ids, device=model.device)).logits[0, len(prompt) - 1:-1]
            ref, got = ref.float().log_softmax(-1), got.float().to(ref.device).log_softmax(-1)
        total += float((ref.exp() * (ref - got)).sum(-1).sum())
        count += len(new)
    return total / count if count else math.nan


def test_conversations() -> list:
    """The shipped toy test set's prompts: what every export is compared on."""
    from persona import shipped
    from persona.chat import prompt_messages
    from persona.data import load_jsonl

    return [prompt_messages(e.messages) for e in load_jsonl(shipped.TOY_DATA / "test.jsonl")]


def reasons(figures: ExportFigures, criteria=None) -> list[str]:
    """Why an export does not agree with its run, each one line, against the bars of `export-agrees`."""
    from persona.criteria import CRITERIA

    bars = (criteria or CRITERIA)["export-agrees"]
    found = list(figures.problems)
    checks = [("agreement", figures.agreement, "next-token agreement"), ("kl_mean", figures.kl_mean, "mean KL"),
              ("thinking_gap", thinking_gap(figures), "thinking on/off off the adapter's by")]
    for name, measured, label in checks:
        bar = bars.threshold(name)
        if math.isnan(measured) or not bar.passes(measured):
            found.append(f"{figures.format}: {label} {measured:.4g}, needs {bar.describe()}")
    return found


def thinking_gap(figures: ExportFigures) -> float:
    """The larger of the on and off shares' distance from the adapter's."""
    return max(abs(figures.thinking_on - figures.reference_on), abs(figures.thinking_off - figures.reference_off))


def check_run(run, path: Path, reference: Reference | None = None) -> tuple[ExportFigures, list[str]]:
    """(figures, reasons) for the export at `path` against the run (its reference pass computed when not given)."""
    if reference is None:
        from persona.export import adapter_model

        reference = reference_pass(*adapter_model(run), test_conversations())
    figures = compare(reference, load_export(path))
    return figures, reasons(figures)
