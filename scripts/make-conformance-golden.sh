#!/usr/bin/env bash
# Regenerates the llama.cpp golden logits for the conformance test (qwen4j-core ConformanceTest).
#
# For each case in qwen4j-core/src/test/resources/conformance/cases.tsv it writes the random-weight model with
# `qwen4j random-model`, runs llama.cpp on it in batch and step mode with an F32 KV cache and flash attention
# off, and stores <name>.batch.f32, <name>.step.f32 (raw little-endian float32 [n_tokens][n_vocab]) and
# <name>.sha256 (the model file's hash: the test regenerates the model and checks it is the same file).
# Cases whose oracle column says `exact` get <name>.exact.f32 from a float64 reference forward pass instead; point
# REF_FORWARD at it (the ref_forward.py of the reference tools that come with llama.cpp's peer setup).
#
# For each case in cases-llama-quantized.tsv it writes an F32 model, quantizes it with llama-quantize (the .gguf is
# committed: the project cannot make those files itself), and stores llama.cpp's logits on it and on the same file
# dequantized to F32 by gguf-py (<name>.dequantized.*.f32).
#
# Needs llama.cpp's `llama_logits` tool (a small dumper on libllama: one llama_decode for batch, one per token for
# step), `llama-quantize` and a llama.cpp source tree (gguf-py, with python3 and numpy):
#   LLAMA_LOGITS=/path/to/llama_logits LLAMA_QUANTIZE=/path/to/llama-quantize LLAMA_CPP_SRC=/path/to/llama.cpp \
#     scripts/make-conformance-golden.sh [generated|quantized]
# (an argument limits the run to one of the two case files; ONLY=REGEX to the cases whose name matches).
# On CPUs whose AMX tile instructions fault (some virtual machines), llama_logits must be built with
# `use_extra_bufts = false` in its model params, or batch mode dies with SIGILL in ggml's AMX matmul; the Q8_0
# goldens of qwen3moe, qwen35, qwen35moe and qwen3next were made that way.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LL="${LLAMA_LOGITS:-$HOME/.cache/llamacpp-peer/bin/llama_logits}"
LQ="${LLAMA_QUANTIZE:-$HOME/.cache/llamacpp-peer/llama.cpp-src/build/bin/llama-quantize}"
export LLAMA_CPP_SRC="${LLAMA_CPP_SRC:-$HOME/.cache/llamacpp-peer/llama.cpp-src}"
[ -x "$LL" ] || { echo "set LLAMA_LOGITS to llama.cpp's llama_logits binary" >&2; exit 1; }
OUT="$ROOT/qwen4j-core/src/test/resources/conformance"
WORK="$(mktemp -d)"
. "$ROOT/scripts/golden-cases.sh"
trap 'rm -rf "$WORK"' EXIT
golden() { # model name tokens
  for mode in batch step; do
    "$LL" -q -m "$1" --tokens "$3" -o "$OUT/$2.$mode.f32" --mode "$mode" --kv f32 --fa off -t 2 >/dev/null
    rm -f "$OUT/$2.$mode.f32.json"
  done
  echo "$2: ok"
}
PART="${1:-}"
[ "$PART" = quantized ] || grep -v '^#' "$OUT/cases.tsv" | while IFS=$'\t' read -r name arch type hidden layers heads kv hd ffn vocab tied seed std tokens oracle; do
  [ -n "$name" ] || continue
  if [ -n "${ONLY:-}" ] && ! [[ "$name" =~ $ONLY ]]; then continue; fi
  write_case_model "$WORK" "$OUT" "$name" "$arch" "$type" "$hidden" "$layers" "$heads" "$kv" "$hd" "$ffn" "$vocab" "$tied" "$seed" "$std"
  model="$WORK/$name.gguf"
  if [ "${oracle:-llama.cpp}" = exact ]; then
    [ -f "${REF_FORWARD:-}" ] || { echo "set REF_FORWARD to ref_forward.py for case $name" >&2; exit 1; }
    python3 "$REF_FORWARD" "$model" --tokens "$tokens" -o "$OUT/$name.exact.f32" >/dev/null
    echo "$name: ok (exact)"
    continue
  fi
  golden "$model" "$name" "$tokens"
done
[ "$PART" = generated ] || grep -v '^#' "$OUT/cases-llama-quantized.tsv" | while IFS=$'\t' read -r name arch hidden layers heads kv hd ffn vocab tied seed std quantize types tokens; do
  [ -n "$name" ] || continue
  if [ -n "${ONLY:-}" ] && ! [[ "$name" =~ $ONLY ]]; then continue; fi
  [ -x "$LQ" ] || { echo "set LLAMA_QUANTIZE to llama.cpp's llama-quantize binary" >&2; exit 1; }
  write_case_model "$WORK" "$WORK" "$name.f32" "$arch" F32 "$hidden" "$layers" "$heads" "$kv" "$hd" "$ffn" "$vocab" "$tied" "$seed" "$std"
  read -r -a args <<< "$quantize"
  n=${#args[@]}
  "$LQ" "${args[@]:0:n-1}" "$WORK/$name.f32.gguf" "$OUT/$name.gguf" "${args[n-1]}" >/dev/null 2>&1
  golden "$OUT/$name.gguf" "$name" "$tokens"
  python3 "$ROOT/scripts/dequantize-gguf.py" "$OUT/$name.gguf" "$WORK/$name.dequantized.gguf"
  golden "$WORK/$name.dequantized.gguf" "$name.dequantized" "$tokens"
done
