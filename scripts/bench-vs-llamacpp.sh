#!/usr/bin/env bash
# Side-by-side speed of qwen4j and llama.cpp on one GGUF file: the two benches run interleaved (A B A B ...)
# for several rounds so that machine noise hits both alike; prints each engine's median tokens/s per test and
# the ratio qwen4j / llama.cpp.
#
# usage: LLAMA_BENCH=/path/to/llama-bench scripts/bench-vs-llamacpp.sh MODEL.gguf [-t 2] [-p 512] [-n 128] [-r 3] [--rounds 3]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LB="${LLAMA_BENCH:-$HOME/.cache/llamacpp-peer/llama.cpp-src/build/bin/llama-bench}"
[ -x "$LB" ] || { echo "set LLAMA_BENCH to llama.cpp's llama-bench binary" >&2; exit 1; }
MODEL="$1"; shift
threads=2; pp=512; tg=128; reps=3; rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    -t) threads="$2"; shift 2 ;;
    -p) pp="$2"; shift 2 ;;
    -n) tg="$2"; shift 2 ;;
    -r) reps="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
done
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
"$ROOT/qwen4j" --help >/dev/null   # build first, outside the timed runs
for round in $(seq "$rounds"); do
  echo "round $round/$rounds" >&2
  "$ROOT/qwen4j" bench "$MODEL" -t "$threads" -p "$pp" -n "$tg" -r "$reps" | grep '^RESULT' | tee -a "$LOG" >&2
  "$LB" -m "$MODEL" -t "$threads" -p "$pp" -n "$tg" -r "$reps" -o csv 2>/dev/null | python3 -c '
import csv, sys
for row in csv.DictReader(sys.stdin):
    test = "pp%s" % row["n_prompt"] if int(row["n_prompt"]) > 0 else "tg%s" % row["n_gen"]
    print("RESULT engine=llama.cpp test=%s median_tok_s=%.2f" % (test, float(row["avg_ts"])))
' | tee -a "$LOG" >&2
done
python3 - "$LOG" "$MODEL" "$threads" <<'PY'
import re, statistics, sys
log, model, threads = sys.argv[1], sys.argv[2], sys.argv[3]
runs = {}
for line in open(log):
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    runs.setdefault((kv["test"], kv["engine"]), []).append(float(kv["median_tok_s"]))
print(f"model={model} threads={threads}")
for test in sorted({t for t, _ in runs}):
    q = statistics.median(runs.get((test, "qwen4j"), [0]))
    l = statistics.median(runs.get((test, "llama.cpp"), [0]))
    ratio = q / l if l else float("nan")
    print(f"{test:8s} qwen4j {q:8.2f} tok/s   llama.cpp {l:8.2f} tok/s   ratio {ratio:.2f}")
PY
