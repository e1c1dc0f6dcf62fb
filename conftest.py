"""The evaluation harness as a pytest plugin: options, markers, criterion properties, session fixtures,
and the PROCEED / ADJUST / PIVOT verdict printed and written at the end of the session.

    pytest evals -m gpu                     # real model on CUDA (default unsloth/Qwen3-1.7B)
    pytest -m cpu_smoke                     # tiny offline model on CPU
    pytest evals --model synthetic:qwen3-1.7b --junitxml=J.xml
"""
from __future__ import annotations

import os
from pathlib import Path

# The hub is switched off (HF_HUB_OFFLINE) by the harness for every model source but a hub id, so tests never
# reach the network; a hub id on a user's GPU is downloaded once by transformers.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).parent
pytest_plugins = ["fixtures.harness", "fixtures.compression", "fixtures.progress"]
