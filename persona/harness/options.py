"""The harness's pytest options, all prefixed `--persona-` so that they never collide with another plugin's
(`--persona-model`, `--persona-threshold`, ...; dests `persona_model`, `persona_threshold`, ...).

Added by the light entry module (persona.harness) in every pytest session where persona is installed; reading
them imports nothing heavy. `asked(config)` says which ones this session set: any of them starts the harness.
"""
from __future__ import annotations

from persona.options import add_run_options
from persona.shipped import TOY_DATA

ANSWER_CONVERSATIONS = 48
"""Updates test-half conversations the answer-level compression criteria ask about besides the 12 fixtures, on a
CUDA GPU: at n = 12 their intervals decided nothing (docs/calibration.md). On CPU none by default: their full
conversations (up to 8k tokens) cost smollm2-135m over 10 minutes of generation on 2 cores."""

PREFIX = "--persona-"
DEFAULTS: dict[str, object] = {}
"""dest -> default of every harness option, filled as they are added."""


def add_harness_options(parser) -> None:
    group = parser.getgroup("persona", "persona evaluation harness (inert unless a --persona-* option is given "
                                       "or a test marked criterion is collected)")

    def add(name: str, **spec) -> None:
        option = PREFIX + name.removeprefix("--")
        group.addoption(option, **spec)
        DEFAULTS[option.removeprefix("--").replace("-", "_")] = spec.get(
            "default", False if spec.get("action") == "store_true" else None)

    add_run_options(add, check_backend=False,
                    auto="unsloth/Qwen3-1.7B with CUDA, without it smollm2-135m under -m cpu_real and tiny otherwise")
    add("train-data", default=str(TOY_DATA / "train.jsonl"), help="training JSONL (default: the shipped toy set)")
    add("test-data", default=str(TOY_DATA / "test.jsonl"), help="held-out JSONL (default: the shipped toy set)")
    add("allow-secrets", action="store_true",
        help="train even when the scan finds secret-shaped values in --persona-train-data (deliberate canaries); "
             "the data criterion still records them")
    add("output-dir", default="models", help="where runs are written (default ./models)")
    add("run-name", default=None, help="run folder under --persona-output-dir (default toy-<model kind>)")
    add("report", default="docs/toy_project_report.md",
        help="markdown report path (default ./docs/toy_project_report.md)")
    add("threshold", action="append", default=[], metavar="ID[.NAME]=VALUE",
        help="override a criterion's threshold (persona.criteria), e.g. --persona-threshold vram-train=10 "
             "or --persona-threshold thinking.clean_off=0.7 (repeatable)")
    add("answers", default=None, metavar="FILE",
        help="score the answers in FILE (answers.jsonl, see the README) instead of generating: nothing is "
             "trained or loaded, and criteria that need the model are not evaluated")
    add("probe-data", default=None, metavar="FILE",
        help="fact probes (JSONL: id, question, facts, wrong); default: the toy set's probes when training on "
             "the toy set")
    add("baseline", action="store_true",
        help="evaluate the base model in place of the fine-tune (the adapter disabled; training still runs or "
             "is reused): what every criterion says without fine-tuning")
    add("summarizer", default=None,
        help="ledger (default), extractive, model or hybrid (the fine-tuned persona), or module:function, "
             "e.g. tests.faults:identity_summarizer")
    add("keep-last", type=int, default=1,
        help="user/assistant exchanges kept verbatim before the question (default 1)")
    add("answer-conversations", type=int, default=None, metavar="N",
        help="conversations of the updates test half asked at answer level besides the 12 fixtures (fact-recall, "
             "quality-kept), a third per length band; those longer than the model's window are left out (default "
             f"{ANSWER_CONVERSATIONS} on a CUDA GPU, none on CPU; from --persona-answers, those the file answers)")


def asked(config) -> list[str]:
    """The harness options this session set (a value other than the default), as dests."""
    return [dest for dest, default in DEFAULTS.items() if config.getoption(dest) != default]
