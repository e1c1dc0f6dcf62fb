"""The full-project estimate: the toy run's measured step time and memory projected to the full build's sizes."""
from __future__ import annotations

from persona.estimate import EPOCHS, FULL_BUILD_SIZES, markdown, project

LOG = [{"step": 10, "seconds_per_step": 9.0, "memory": {"rss_peak_gib": 1.5}},  # warm-up window, left out
       {"step": 20, "seconds_per_step": 2.0, "memory": {"rss_peak_gib": 2.0}},
       {"step": 30, "seconds_per_step": 4.0, "memory": {"rss_peak_gib": 1.8}}]


def test_projection_scales_the_steady_step_time_with_examples_and_epochs():
    estimate = project(LOG, examples_per_step=8, machine="CPU only: test")
    assert estimate["seconds_per_step"] == 3.0, "the first window (warm-up) must not count"
    assert estimate["peak_memory_gib"] == {"rss_peak_gib": 2.0}
    rows = {(r["examples"], r["epochs"]): r for r in estimate["rows"]}
    assert set(rows) == {(n, e) for n in FULL_BUILD_SIZES for e in EPOCHS}
    assert rows[(2_000, 3)]["steps"] == 750 and rows[(2_000, 3)]["hours"] == round(750 * 3.0 / 3600, 2)
    assert rows[(10_000, 1)]["steps"] == 5 * rows[(2_000, 1)]["steps"]
    text = "\n".join(markdown(estimate))
    assert "| 10,000 | 3 | 3,750 |" in text and ">12 weeks" in text and "CPU only: test" in text, text


def test_nothing_timed_is_no_estimate():
    assert project([], examples_per_step=8, machine="x") is None
    assert "nothing to project" in markdown(None)[0]
