"""The CPU-testable parts of the GPU speed work: micro-batch fitting, static padding, phase timing."""
from __future__ import annotations

import pytest

from persona.config import TrainConfig
from persona.phases import PhaseClock
from persona.train import fit_micro_batch, static_pad_length

FIT_CASES = [
    ("cuda: the seed's 2 x 4 becomes one batch of 8", dict(), True, (8, 1)),
    ("cpu trains as configured", dict(), False, (2, 4)),
    ("switched off", dict(fit_micro_batch=False), True, (2, 4)),
    ("already one micro-batch", dict(per_device_train_batch_size=8, gradient_accumulation_steps=1), True, (8, 1)),
    ("3 x 5 becomes 15 x 1", dict(per_device_train_batch_size=3, gradient_accumulation_steps=5), True, (15, 1)),
]


@pytest.mark.parametrize("case", FIT_CASES, ids=lambda c: c[0])
def test_fit_micro_batch_keeps_the_effective_batch(case):
    _, settings, cuda, expected = case
    config = TrainConfig.from_settings(**settings)
    hp, fitted = config.hparams, fit_micro_batch(config, cuda).hparams
    assert (fitted.per_device_train_batch_size, fitted.gradient_accumulation_steps) == expected
    assert fitted.per_device_train_batch_size * fitted.gradient_accumulation_steps == \
        hp.per_device_train_batch_size * hp.gradient_accumulation_steps


def test_static_pad_length_covers_the_longest_row_in_one_shape():
    rows = [{"input_ids": [0] * n} for n in (17, 150, 129)]
    assert static_pad_length(rows) == 192
    assert static_pad_length([{"input_ids": [0] * 64}]) == 64


def test_nested_phases_are_counted_once():
    import time

    clock = PhaseClock()
    clock.enter()
    clock.enter()
    time.sleep(0.05)
    clock.add("trained_model", clock.leave())
    time.sleep(0.02)
    clock.add("test_answers", clock.leave())
    clock.total_s = 0.2
    inner, outer = clock.phases
    assert inner.name == "load the fine-tuned model (adapter merged)" and inner.seconds >= 0.05
    assert 0.015 <= outer.seconds < 0.05, "the outer phase must not count the nested one"
    assert clock.rest_s() == pytest.approx(0.2 - inner.seconds - outer.seconds)
    assert clock.markdown()[-1] == "| **session** | **0.2** | |"
