"""Small builders shared by the unit tests."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def example_record(*, roles=("user", "assistant"), category="fact", answer="I live in Rotterdam.", reasoning=None):
    messages = [{"role": role, "content": f"{role} turn {i}"} for i, role in enumerate(roles)]
    if messages and messages[-1]["role"] == "assistant":
        messages[-1]["content"] = answer
        if reasoning is not None:
            messages[-1]["reasoning_content"] = reasoning
    return {"messages": messages, "metadata": {"category": category, "source": "slack", "context": "casual"}}


def cpu_only_env(**extra: str) -> dict[str, str]:
    """The environment for a child process that reasons about the CPU path, on any host: CUDA_VISIBLE_DEVICES
    empty hides every GPU from torch (the subprocess twin of the `cpu` fixture in tests/conftest.py)."""
    return {**os.environ, "CUDA_VISIBLE_DEVICES": "", **extra}
