"""The harness plugin's own rules: which model specs may reach the hub."""
from __future__ import annotations

import pytest

from fixtures.harness import _is_hub_id


@pytest.mark.parametrize("spec,hub", [("unsloth/Qwen3-1.7B", True), ("tiny", False),
                                      ("synthetic:qwen3-1.7b", False), ("./models/mine", False),
                                      ("/abs/path/model", False), ("data", False), ("a/b/c", False)])
def test_only_hub_ids_may_download(spec, hub):
    assert _is_hub_id(spec) is hub
