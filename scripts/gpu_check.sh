#!/usr/bin/env bash
# The GPU host's check of the CUDA path (issue 24's acceptance): the unit tests, the tiny smoke evaluation,
# the real-weights evaluation and the training benchmark twice (the second run reads the compile caches the
# first one wrote), each step's exit code and wall time in one summary, going on after a failure.
#
#   bash scripts/gpu_check.sh                       # every step: tests tiny smollm2 bench
#   bash scripts/gpu_check.sh tests tiny            # some of them, in the order given
#   STEP_TIMEOUT=500 bash scripts/gpu_check.sh ...  # seconds a step may run before it is stopped
#
# The host brings its own Python and libraries (no package registry): this script installs nothing and never
# runs scripts/setup.sh. The checkout goes first on PYTHONPATH, then what PYTHONPATH held (e.g. /tmp/site, the
# unpacked training stack). Results go to $OUT when set (else models/gpu-check/): summary.tsv (step, exit code,
# wall seconds, ok or FAILED), summary.txt (the same, aligned, and the facts of the host), a log per step, the
# evaluations' junit, decision.json and phases.json, and each benchmark run's train.json. Exit 0 when every
# step ran as expected: tests exit 0, an evaluation reaches a verdict (0, 10, 11 or 12), a benchmark trains.
# One device command may run 10 minutes and the four steps take longer: split them, e.g. `tests tiny` then
# `smollm2 bench`; the model cache (models/cache, or PERSONA_CACHE) stays on a warm host between calls.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RESULTS=${OUT:-$ROOT/models/gpu-check}
mkdir -p "$RESULTS"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
# Without an installed persona there is no pytest11 entry point: load the harness by name (installed, it is
# already registered, and naming it again would be an error).
if ! "${PYTHON:-python3}" -c 'import importlib.metadata as m, sys; sys.exit(not any(e.name == "persona" for e in m.entry_points(group="pytest11")))' 2>/dev/null; then
  export PYTEST_ADDOPTS="-p persona.harness${PYTEST_ADDOPTS:+ $PYTEST_ADDOPTS}"
fi
export HF_HUB_OFFLINE=1
PY=${PYTHON:-python3}
CACHE=${PERSONA_CACHE:-$ROOT/models/cache}
SUMMARY=$RESULTS/summary.tsv
STEPS=("$@")
[ ${#STEPS[@]} -eq 0 ] && STEPS=(tests tiny smollm2 bench)

[ -f "$SUMMARY" ] || printf 'step\texit\twall_s\tstatus\n' > "$SUMMARY"
{
  echo "host: $(hostname) $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | sed 's/^/gpu: /'
  "$PY" -c 'import sys, torch, transformers; print("python", sys.version.split()[0], "torch", torch.__version__,
"transformers", transformers.__version__, "cuda", torch.cuda.is_available())' 2>&1
} >> "$RESULTS/host.txt"

# run NAME ACCEPTED_EXIT_CODES COMMAND...: time one step, log it, record it in the summary
run() {
  local name=$1 accepted=$2 began ended rc status
  shift 2
  echo "== $name: $*"
  began=$(date +%s%N)
  if [ -n "${STEP_TIMEOUT:-}" ]; then
    timeout "$STEP_TIMEOUT" "$@" > "$RESULTS/$name.log" 2>&1
  else
    "$@" > "$RESULTS/$name.log" 2>&1
  fi
  rc=$?
  ended=$(date +%s%N)
  status=FAILED
  [[ " $accepted " == *" $rc "* ]] && status=ok
  local tenths=$(( (ended - began) / 100000000 ))
  printf '%s\t%s\t%d.%d\t%s\n' "$name" "$rc" $((tenths / 10)) $((tenths % 10)) "$status" >> "$SUMMARY"
  tail -n 3 "$RESULTS/$name.log"
  [ "$status" = ok ]
}

# evaluate NAME MODEL: `persona evaluate`, its junit, decision and phases kept
evaluate() {
  local name=$1 model=$2 folder
  run "$name" "0 10 11 12" "$PY" -m persona.cli evaluate --model "$model" --junit "$RESULTS/$name.junit.xml" \
    --report "$RESULTS/$name-report.md"
  local rc=$?
  folder=$("$PY" -c 'import sys; from persona.models import run_name_for; print(run_name_for(sys.argv[1]))' "$model")
  for file in decision.json phases.json; do
    cp "models/$folder/$file" "$RESULTS/$name-$file" 2>/dev/null
  done
  return $rc
}

# bench N: 100 seed steps of synthetic:qwen3-1.7b at one micro-batch of 8; a failed configuration is in train.json
bench() {
  local n=$1 out=$ROOT/models/gpu-check-bench-$1
  echo "compile cache before bench run $n: $(find "$CACHE/compile" -type f 2>/dev/null | wc -l) files" \
    >> "$RESULTS/host.txt"
  run "bench-$n" "0" "$PY" scripts/bench_gpu.py train --configs fit-8x1-dynamic --steps 100 --out-dir "$out"
  local rc=$?
  cp "$out/train.json" "$RESULTS/bench-$n-train.json" 2>/dev/null
  if [ $rc -eq 0 ] && grep -q '"error"' "$out/train.json" 2>/dev/null; then
    sed -i '$ s/\tok$/\tFAILED (train.json holds an error)/' "$SUMMARY"
    return 1
  fi
  return $rc
}

failed=0
for step in "${STEPS[@]}"; do
  case $step in
    tests) run tests "0" "$PY" -m pytest tests -m "not slow" -q -p no:cacheprovider -rfEs \
             --junitxml="$RESULTS/tests.junit.xml" || failed=1 ;;
    tiny) evaluate evaluate-tiny tiny || failed=1 ;;
    smollm2) evaluate evaluate-smollm2 smollm2-135m || failed=1 ;;
    bench) bench 1 || failed=1; bench 2 || failed=1 ;;
    *) echo "gpu_check: unknown step '$step' (tests, tiny, smollm2, bench)" >&2; failed=1 ;;
  esac
done
column -t -s $'\t' "$SUMMARY" > "$RESULTS/summary.txt" 2>/dev/null || cp "$SUMMARY" "$RESULTS/summary.txt"
cat "$RESULTS/host.txt" "$RESULTS/summary.txt"
exit $failed
