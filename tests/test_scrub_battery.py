"""The scrub battery's test half (tests/scrub_battery.py), planted in all five formats: the floor the
scrubber must hold. `python scripts/bench_scrub.py` prints the per-kind table."""
from __future__ import annotations

import pytest

from persona.importers import import_export
from persona.importers.scrub.phones import FALLBACK_REGION, default_region
from tests.battery_exports import run_battery
from tests.battery_families import FAMILIES

FAMILY_FULL_MAX = 0.03
"""Full leaks allowed over the test half's rule-set families (battery_families.py): measured 2.3% (20 of
860: a flat with its house number spelled out, 'flat 23, nine oak lane'), 25.0% before the national-ID,
world-address, seed-phrase and code-credential rules, so a regression shows; the goal stays <= 1%."""


@pytest.fixture(scope="module")
def scores():
    return run_battery("test", import_export)


def test_planted_values_do_not_leak(scores):
    secrets = {k: v for k, v in scores[0].items() if k not in FAMILIES}
    total = sum(s.total - s.lost for s in secrets.values())
    full = sum(s.full for s in secrets.values())
    partial = sum(s.partial for s in secrets.values())
    misses = [e for s in secrets.values() for e in s.examples][:10]
    lost = sum(s.lost for s in secrets.values())
    assert total > 1000 and lost <= 0.005 * total, f"{lost} battery lines never reached the output"
    assert full <= 0.01 * total, f"{full} of {total} planted values leaked in full: {misses}"
    assert partial == 0, f"{partial} planted values leaked in part: {misses}"


def test_rule_set_families_leak_no_more_than_measured(scores):
    families = {k: v for k, v in scores[0].items() if k in FAMILIES}
    total = sum(s.total - s.lost for s in families.values())
    full = sum(s.full for s in families.values())
    worst = sorted(((s.full / s.total, k) for k, s in families.items()), reverse=True)[:4]
    assert total > 500, f"only {total} family values planted"
    assert full <= FAMILY_FULL_MAX * total, f"{full} of {total} family values leaked in full; worst: {worst}"
    assert sum(s.partial for s in families.values()) == 0, "family values leaked in part"


def test_innocent_lines_stay_intact(scores):
    _, clean = scores
    total = sum(s.total for s in clean.values())
    altered = sum(s.full for s in clean.values())
    assert altered <= 0.01 * total, f"{altered} of {total} innocent lines altered: " \
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
