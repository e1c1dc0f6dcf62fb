"""Exit criteria `train-completes` (failure: PIVOT, can't train on this hardware) and `loss-decreases`
(failure: ADJUST). Thresholds: persona.criteria."""
from __future__ import annotations

import pytest

from persona.criteria import ALL_KINDS
from persona.metrics import loss_drop
from persona.train import is_out_of_memory



@pytest.mark.criterion("train-completes")
def test_training_completes(training, criterion):
    if training.data_invalid:
        pytest.skip("not evaluated: training refused the invalid dataset before loading a model (see data)")
    if training.error is not None and not is_out_of_memory(training.error):
        raise training.error  # a crash of the tool says nothing about the hardware: errored, not failed
    steps = training.result.final_step if training.result else 0
    target = training.config.hparams.max_steps
    criterion.check(steps / target, shown=f"{steps}/{target} steps",
                    detail="out of memory even at batch 1" if training.error else f"stopped at step {steps}")


@pytest.mark.criterion("loss-decreases", kinds=ALL_KINDS)
def test_loss_decreases(trained_model, criterion):
    losses = trained_model.result.losses
    criterion.check(loss_drop(losses), "relative_drop", detail=f"loss went {losses[0]:.3f} -> {losses[-1]:.3f}")


@pytest.mark.criterion("loss-decreases")
def test_loss_range_on_real_weights(trained_model, criterion):
    losses = trained_model.result.losses
    criterion.check(losses[0], "first_loss", detail="the seed expects real weights to start ~2-3")
    criterion.check(losses[-1], "last_loss", detail=f"loss {losses[0]:.3f} -> {losses[-1]:.3f}; the seed expects "
                                                    "~0.5-1.0 at the end")
