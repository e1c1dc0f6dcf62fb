"""Which model specs may reach the hub (the harness switches it off for all others)."""
from __future__ import annotations

import pytest

from persona.models import is_hub_id


@pytest.mark.parametrize("spec,hub", [("unsloth/Qwen3-1.7B", True), ("tiny", False),
                                      ("synthetic:qwen3-1.7b", False), ("./models/mine", False),
                                      ("/abs/path/model", False), ("data", False), ("a/b/c", False)])
def test_only_hub_ids_may_download(spec, hub):
    assert is_hub_id(spec) is hub
