#!/usr/bin/env bash
# Regenerates the llama.cpp golden logits for the conformance test (qwen4j-core ConformanceTest).
#
# For each case in qwen4j-core/src/test/resources/conformance/cases.tsv it writes the random-weight model with
# `qwen4j random-model`, runs llama.cpp on it in batch and step mode with an F32 KV cache and flash attention
# off, and stores <name>.batch.f32, <name>.step.f32 (raw little-endian float32 [n_tokens][n_vocab]) and
# <name>.sha256 (the model file's hash: the test regenerates the model and checks it is the same file).
#
# Then, for each case in cases-llama-quantized.tsv, it writes the F32 model, quantizes it with llama.cpp's
# llama-quantize (types we cannot write ourselves) and stores the quantized <name>.gguf with its golden logits
# (the test reads that file as is: llama-quantize is not part of our build), plus <name>.dequantized.*.f32:
# llama.cpp's logits on the same file with every tensor dequantized to F32 by gguf-py (scripts/dequantize-gguf.py),
# which an exact float32 engine must match closely (llama.cpp on the quantized file rounds its activations).
#
# Needs llama.cpp's `llama_logits` tool (a small dumper on libllama: one llama_decode for batch, one per token
# for step), `llama-quantize` and a llama.cpp source tree (gguf-py, with python3 and numpy):
#   LLAMA_LOGITS=/path/to/llama_logits LLAMA_QUANTIZE=/path/to/llama-quantize LLAMA_CPP_SRC=/path/to/llama.cpp \
#     scripts/make-conformance-golden.sh [generated|quantized]
# (an argument limits the run to one of the two case files).
# On CPUs whose AMX tile instructions fault (some virtual machines), llama_logits must be built with
# `use_extra_bufts = false` in its model params, or batch mode dies with SIGILL in ggml's AMX matmul.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LL="${LLAMA_LOGITS:-$HOME/.cache/llamacpp-peer/bin/llama_logits}"
LQ="${LLAMA_QUANTIZE:-$HOME/.cache/llamacpp-peer/llama.cpp-src/build/bin/llama-quantize}"
export LLAMA_CPP_SRC="${LLAMA_CPP_SRC:-$HOME/.cache/llamacpp-peer/llama.cpp-src}"
[ -x "$LL" ] || { echo "set LLAMA_LOGITS to llama.cpp's llama_logits binary" >&2; exit 1; }
[ -x "$LQ" ] || { echo "set LLAMA_QUANTIZE to llama.cpp's llama-quantize binary" >&2; exit 1; }
OUT="$ROOT/qwen4j-core/src/test/resources/conformance"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
random_model() { # out arch type hidden layers heads kv hd ffn vocab tied seed std
  local untied=(); [ "${11}" = true ] || untied=(--untied)
  "$ROOT/qwen4j" random-model "$1" --arch "$2" --type "$3" --hidden "$4" --layers "$5" --heads "$6" --kv-heads "$7" \
    --head-dim "$8" --ffn "$9" --vocab "${10}" --seed "${12}" --std "${13}" "${untied[@]}" >/dev/null
}
golden() { # model name tokens
  for mode in batch step; do
    "$LL" -q -m "$1" --tokens "$3" -o "$OUT/$2.$mode.f32" --mode "$mode" --kv f32 --fa off -t 2 >/dev/null
    rm -f "$OUT/$2.$mode.f32.json"
  done
  echo "$2: ok"
}
ONLY="${1:-}"
[ "$ONLY" = quantized ] || grep -v '^#' "$OUT/cases.tsv" | while IFS=$'\t' read -r name arch type hidden layers heads kv hd ffn vocab tied seed std tokens; do
  [ -n "$name" ] || continue
  model="$WORK/$name.gguf"
  random_model "$model" "$arch" "$type" "$hidden" "$layers" "$heads" "$kv" "$hd" "$ffn" "$vocab" "$tied" "$seed" "$std"
  sha256sum "$model" | cut -d' ' -f1 > "$OUT/$name.sha256"
  golden "$model" "$name" "$tokens"
done
[ "$ONLY" = generated ] || grep -v '^#' "$OUT/cases-llama-quantized.tsv" | while IFS=$'\t' read -r name arch hidden layers heads kv hd ffn vocab tied seed std quantize types tokens; do
  [ -n "$name" ] || continue
  random_model "$WORK/$name.f32.gguf" "$arch" F32 "$hidden" "$layers" "$heads" "$kv" "$hd" "$ffn" "$vocab" "$tied" "$seed" "$std"
  read -r -a args <<< "$quantize"
  n=${#args[@]}
  "$LQ" "${args[@]:0:n-1}" "$WORK/$name.f32.gguf" "$OUT/$name.gguf" "${args[n-1]}" >/dev/null 2>&1
  golden "$OUT/$name.gguf" "$name" "$tokens"
  python3 "$ROOT/scripts/dequantize-gguf.py" "$OUT/$name.gguf" "$WORK/$name.dequantized.gguf"
  golden "$WORK/$name.dequantized.gguf" "$name.dequantized" "$tokens"
done
