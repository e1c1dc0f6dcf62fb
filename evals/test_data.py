"""Exit criterion `data`: the dataset is valid and has the seed's shape. On failure: ADJUST (the data format
needs changes)."""
from __future__ import annotations

from pathlib import Path

import pytest

from persona.data import TOY_MIX, DataError, load_jsonl, mix

pytestmark = [pytest.mark.cpu_smoke, pytest.mark.gpu, pytest.mark.criterion("data")]


def _load(path: str):
    try:
        return load_jsonl(Path(path)), []
    except DataError as err:
        return [], err.problems


def test_dataset_is_valid(pytestconfig, criterion):
    problems = []
    for option in ("train_data", "test_data"):
        problems += _load(pytestconfig.getoption(option))[1]
    criterion.record(len(problems), "== 0 problems")
    assert not problems, f"{len(problems)} problems in the dataset:\n" + "\n".join(problems[:20])


def test_split_sizes(pytestconfig, criterion):
    train, bad_train = _load(pytestconfig.getoption("train_data"))
    test, bad_test = _load(pytestconfig.getoption("test_data"))
    if bad_train or bad_test:
        pytest.skip("not evaluated: the dataset is invalid (see test_dataset_is_valid)")
    criterion.record(f"{len(train)}/{len(test)}", "50/10 train/test")
    assert (len(train), len(test)) == (50, 10), f"expected 50 train / 10 test, got {len(train)} / {len(test)}"


def test_category_mix(pytestconfig, criterion):
    train, bad_train = _load(pytestconfig.getoption("train_data"))
    test, bad_test = _load(pytestconfig.getoption("test_data"))
    if bad_train or bad_test:
        pytest.skip("not evaluated: the dataset is invalid (see test_dataset_is_valid)")
    have = mix(train + test)
    shown = "/".join(str(have.get(c, 0)) for c in TOY_MIX)
    criterion.record(shown, "/".join(map(str, TOY_MIX.values())) + " style/fact/decision")
    assert dict(have) == TOY_MIX, f"expected {TOY_MIX}, got {dict(have)}: the 50/50 reasoning mix keeps thinking mode"
