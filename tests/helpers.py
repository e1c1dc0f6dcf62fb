"""Small builders shared by the unit tests."""
from __future__ import annotations

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
