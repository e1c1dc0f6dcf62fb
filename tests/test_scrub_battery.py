"""The scrub battery's test half (tests/scrub_battery.py), planted in all five formats: the floor the
scrubber must hold. `python scripts/bench_scrub.py` prints the per-kind table."""
from __future__ import annotations

import pytest

from persona.importers import import_export
from persona.importers.scrub.phones import FALLBACK_REGION, default_region
from tests.battery_exports import run_battery


@pytest.fixture(scope="module")
def scores():
    return run_battery("test", import_export)


def test_planted_values_do_not_leak(scores):
    secrets, _ = scores
    total = sum(s.total - s.lost for s in secrets.values())
    full = sum(s.full for s in secrets.values())
    partial = sum(s.partial for s in secrets.values())
    misses = [e for s in secrets.values() for e in s.examples][:10]
    assert total > 1000 and sum(s.lost for s in secrets.values()) == 0, "battery lines must reach the output"
    assert full <= 0.01 * total, f"{full} of {total} planted values leaked in full: {misses}"
    assert partial == 0, f"{partial} planted values leaked in part: {misses}"


def test_innocent_lines_stay_intact(scores):
    _, clean = scores
    total = sum(s.total for s in clean.values())
    altered = sum(s.full for s in clean.values())
    assert altered <= 0.02 * total, f"{altered} of {total} innocent lines altered: " \
                                    f"{[e for s in clean.values() for e in s.examples][:10]}"


@pytest.mark.parametrize("env,region", [
    ({"LC_ALL": "de_DE.UTF-8"}, "DE"), ({"LANG": "fr_FR.UTF-8"}, "FR"), ({"LANG": "C.UTF-8"}, FALLBACK_REGION),
], ids=["lc_all", "lang", "c_locale"])
def test_region_defaults_to_the_locale(env, region, monkeypatch):
    for var in ("LC_ALL", "LC_TELEPHONE", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setattr("locale.getlocale", lambda: (None, None))
    assert default_region() == region
