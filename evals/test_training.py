"""Exit criteria `train-completes` (failure: PIVOT, can't train on this hardware) and `loss-decreases`
(failure: ADJUST)."""
from __future__ import annotations

import pytest

from persona.metrics import loss_drop

pytestmark = [pytest.mark.cpu_smoke, pytest.mark.gpu]
MIN_LOSS_DROP = 0.10
"""Mean of the last 3 logged losses at least 10% under the first 3: an lr=0 run only shows batch noise."""


@pytest.mark.criterion("train-completes")
def test_training_completes(training, criterion):
    if training.data_invalid:
        pytest.skip("not evaluated: training refused the invalid dataset before loading a model (see data)")
    steps = training.result.log[-1]["step"] if training.result and training.result.log else 0
    criterion.record(steps, f"== {training.config.max_steps} steps")
    assert training.error is None, f"training crashed: {type(training.error).__name__}: {training.error}"
    assert steps == training.config.max_steps, f"training stopped at step {steps} of {training.config.max_steps}"


@pytest.mark.criterion("loss-decreases")
def test_loss_decreases(trained_model, criterion):
    losses = trained_model.result.losses
    drop = loss_drop(losses)
    criterion.record(drop, f">= {MIN_LOSS_DROP} relative drop")
    assert drop >= MIN_LOSS_DROP, f"loss went {losses[0]:.3f} -> {losses[-1]:.3f}: a {drop:.1%} drop, " \
                                  f"expected at least {MIN_LOSS_DROP:.0%}"


@pytest.mark.criterion("loss-decreases")
def test_loss_range_on_real_weights(trained_model, criterion):
    from fixtures.harness import require_real_weights

    require_real_weights(trained_model.kind, "the seed's loss range (~2-3 falling to ~0.5-1.0)")
    losses = trained_model.result.losses
    criterion.record(f"{losses[0]:.3f}->{losses[-1]:.3f}", "first <= 4.0, last <= 1.2")
    assert losses[0] <= 4.0 and losses[-1] <= 1.2, f"loss {losses[0]:.3f} -> {losses[-1]:.3f} is outside the " \
                                                   "seed's expected ~2-3 -> ~0.5-1.0"
