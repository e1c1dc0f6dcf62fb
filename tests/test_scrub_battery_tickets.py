"""The scrub battery's test half planted in the ticket formats (tests/battery_tickets.py): the same floor the
chat, mail and notes formats hold (tests/test_scrub_battery.py), reached through each vendor's body markup."""
from __future__ import annotations

import pytest

from persona.importers import import_export
from persona.importers.scrub import Scrubbed
from tests.battery_families import FAMILIES
from tests.battery_tickets import FORMATS, run_ticket_battery


@pytest.fixture(scope="module")
def scores():
    return run_ticket_battery("test", import_export)


def test_planted_values_do_not_leak_from_ticket_exports(scores):
    # the rule-set families have their own measured floor (tests/test_scrub_battery.py)
    secrets = {k: v for k, v in scores[0].items() if k not in FAMILIES}
    total = sum(s.total - s.lost for s in secrets.values())
    full = sum(s.full for s in secrets.values())
    partial = sum(s.partial for s in secrets.values())
    misses = [e for s in secrets.values() for e in s.examples][:10]
    assert total > 200 * len(FORMATS) and sum(s.lost for s in secrets.values()) == 0, \
        "battery lines must reach the output"
    assert full <= 0.01 * total, f"{full} of {total} planted values leaked in full: {misses}"
    assert partial == 0, f"{partial} planted values leaked in part: {misses}"


def test_innocent_lines_come_out_of_ticket_markup_unchanged(scores):
    _, clean = scores
    total = sum(s.total for s in clean.values())
    altered = sum(s.full for s in clean.values())
    assert altered <= 0.02 * total, f"{altered} of {total} innocent lines altered: " \
                                    f"{[e for s in clean.values() for e in s.examples][:10]}"


def test_the_battery_sees_an_importer_that_skips_the_scrubber(monkeypatch):
    monkeypatch.setattr("persona.importers.pipeline.scrub", lambda text, scrubber, asked="": Scrubbed(text))
    secrets, _ = run_ticket_battery("test", import_export, formats=("zendesk",))
    assert sum(s.full for s in secrets.values()) > 0.9 * sum(s.total for s in secrets.values())
