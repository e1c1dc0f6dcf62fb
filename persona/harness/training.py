"""The session's training: its config (defaults, the model's profile, the file, --persona-set), one training attempt per
session (or the cached run), and the fine-tuned model the criteria tests read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from persona.config import load_config, parse_overrides
from persona.data import DataError
from persona.models import load
from persona.runs import load_trained, train_cached
from persona.vram import free_cuda

def run_dir(config) -> Path:
    name = config.getoption("persona_run_name") or config.persona_choice.run_name(config.getoption("persona_baseline"))
    return Path(config.getoption("persona_output_dir")) / name


@dataclass
class Training:
    """What the session's training attempt produced: a result, or the error that stopped it."""
    config: object
    result: object = None
    error: BaseException | None = None
    data_invalid: bool = False
    reused: bool = False
    problems: list[str] = field(default_factory=list)


def session_train_config(config):
    """The training config of this session, by the one precedence rule (persona.config.load_config): the seed's
    defaults, the model's own training defaults, the --persona-config file, then --persona-set."""
    overrides = {"model": config.persona_choice.model, "train_file": config.getoption("persona_train_data"),
                 "output_dir": config.getoption("persona_output_dir"), "run_name": run_dir(config).name,
                 "backend": config.getoption("persona_backend")}
    overrides.update(parse_overrides(config.getoption("persona_set")))
    return load_config(config.getoption("persona_config"), **overrides)


ANSWERS_ONLY = "not evaluated: answers are scored from a file (--persona-answers); nothing was trained or loaded"


@pytest.fixture(scope="session")
def train_config(pytestconfig):
    if pytestconfig.getoption("persona_answers"):  # the canary eval trains a model of its own from this config
        pytest.skip(ANSWERS_ONLY)
    return pytestconfig.persona_train_config


@pytest.fixture(scope="session")
def training(pytestconfig, train_config) -> Training:
    """Train once per session (or reuse the on-disk cache); never raises, so each criterion reports for itself."""
    if pytestconfig.getoption("persona_answers"):
        pytest.skip(ANSWERS_ONLY)
    from persona.importers.scrub.scan import refusal, scan_training_file

    attempt = Training(train_config)
    try:
        findings = scan_training_file(Path(train_config.run.train_file))
        if findings and not pytestconfig.getoption("persona_allow_secrets"):
            raise DataError(refusal(findings).split("\n"))
        attempt.result, attempt.reused = train_cached(train_config)
    except DataError as err:
        attempt.error, attempt.data_invalid, attempt.problems = err, True, err.problems
    except Exception as err:  # train-completes tells an out-of-memory (measured) from a crash (errored)
        attempt.error = err
    pytestconfig.persona_run = attempt
    yield attempt
    if attempt.result is not None:
        attempt.result.model = None
        free_cuda()


@pytest.fixture(scope="session")
def trained_model(pytestconfig, training):
    """(result, model, tokenizer) of the fine-tuned model (of the base model under --persona-baseline); skips
    dependants when training did not finish."""
    if training.data_invalid:
        pytest.skip("not evaluated: the training data is invalid (see the data criterion)")
    if training.error is not None:
        pytest.skip(f"not evaluated: training did not complete ({type(training.error).__name__}; see "
                    "train-completes)")
    if pytestconfig.getoption("persona_baseline"):  # a no-op fine-tune: LoRA's B starts at 0, so this is lr 0's model
        base = load(training.result.source, nf4_base=training.result.base_4bit)
        return TrainedModel(training.result, base.model.eval(), base.tokenizer)
    model, tokenizer = load_trained(training.result)
    return TrainedModel(training.result, model, tokenizer)


@dataclass
class TrainedModel:
    result: object
    model: object
    tokenizer: object

    @property
    def kind(self) -> str:
        return self.result.source.kind


@pytest.fixture(scope="session")
def transcript(pytestconfig):
    """Append (section, prompt, response, note) rows; they become models/<run>/test_results.txt."""
    return pytestconfig.persona_transcript
