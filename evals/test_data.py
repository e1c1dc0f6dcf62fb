"""Exit criterion `data`: the dataset is valid, has the seed's shape, and holds no secret-shaped value (the
pre-training scan, persona.importers.scrub.scan). On failure: ADJUST (the data format needs changes)."""
from __future__ import annotations

from pathlib import Path

import pytest

from persona.data import TOY_MIX, DataError, load_jsonl, mix

pytestmark = pytest.mark.criterion("data")
TOY_SPLIT = (50, 10)
"""The seed's train / test sizes."""


def _load(path: str):
    try:
        return load_jsonl(Path(path)), []
    except DataError as err:
        return [], err.problems


def test_dataset_is_valid(pytestconfig, criterion):
    problems = []
    for option in ("persona_train_data", "persona_test_data"):
        problems += _load(pytestconfig.getoption(option))[1]
    criterion.check(len(problems), "problems", detail="\n".join(problems[:20]))


def test_split_sizes(pytestconfig, criterion):
    train, bad_train = _load(pytestconfig.getoption("persona_train_data"))
    test, bad_test = _load(pytestconfig.getoption("persona_test_data"))
    if bad_train or bad_test:
        pytest.skip("not evaluated: the dataset is invalid (see test_dataset_is_valid)")
    off = abs(len(train) - TOY_SPLIT[0]) + abs(len(test) - TOY_SPLIT[1])
    criterion.check(off, "split_off", shown=f"{off} ({len(train)} train / {len(test)} test)")


def test_category_mix(pytestconfig, criterion):
    train, bad_train = _load(pytestconfig.getoption("persona_train_data"))
    test, bad_test = _load(pytestconfig.getoption("persona_test_data"))
    if bad_train or bad_test:
        pytest.skip("not evaluated: the dataset is invalid (see test_dataset_is_valid)")
    have = mix(train + test)
    shown = "/".join(str(have.get(c, 0)) for c in TOY_MIX)
    off = sum(abs(have.get(c, 0) - n) for c, n in TOY_MIX.items()) + sum(have.get(c, 0) for c in have if c not in TOY_MIX)
    criterion.check(off, "mix_off", shown=f"{off} ({shown} style/fact/decision)")


def test_no_secrets_in_training_data(pytestconfig, criterion):
    """The scan training runs first; findings allowed by --allow-secrets are recorded, not counted."""
    from persona.importers.scrub.scan import scan_training_file

    findings = scan_training_file(Path(pytestconfig.getoption("persona_train_data")))
    allowed = pytestconfig.getoption("persona_allow_secrets")
    counted = 0 if allowed else len(findings)
    shown = f"{counted}" + (f" ({len(findings)} allowed by --allow-secrets)" if allowed and findings else "")
    criterion.check(counted, "secrets", shown=shown, detail="\n".join(map(str, findings[:20])))
