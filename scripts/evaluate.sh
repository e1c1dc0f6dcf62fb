#!/usr/bin/env bash
# The main job: set up, run the Phase 0a exit-criteria evals, print PROCEED / ADJUST / PIVOT.
#   bash scripts/evaluate.sh [--model unsloth/Qwen3-1.7B | path/to/model | synthetic:qwen3-1.7b | tiny]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/persona evaluate "$@"
