#!/usr/bin/env bash
# Regenerates the llama.cpp golden logits for the conformance test (qwen4j-core ConformanceTest).
#
# For each case in qwen4j-core/src/test/resources/conformance/cases.tsv it writes the random-weight model with
# `qwen4j random-model`, runs llama.cpp on it in batch and step mode with an F32 KV cache and flash attention
# off, and stores <name>.batch.f32, <name>.step.f32 (raw little-endian float32 [n_tokens][n_vocab]) and
# <name>.sha256 (the model file's hash: the test regenerates the model and checks it is the same file).
#
# Needs llama.cpp's `llama_logits` tool (a small dumper on libllama: one llama_decode for batch, one per token
# for step). Point LLAMA_LOGITS at it:  LLAMA_LOGITS=/path/to/llama_logits scripts/make-conformance-golden.sh
# ONLY=REGEX limits the run to the cases whose name matches (e.g. ONLY='^qwen3(5|next|moe)').
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LL="${LLAMA_LOGITS:-$HOME/.cache/llamacpp-peer/bin/llama_logits}"
[ -x "$LL" ] || { echo "set LLAMA_LOGITS to llama.cpp's llama_logits binary" >&2; exit 1; }
OUT="$ROOT/qwen4j-core/src/test/resources/conformance"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
grep -v '^#' "$OUT/cases.tsv" | while IFS=$'\t' read -r name arch type hidden layers heads kv hd ffn vocab tied seed std tokens; do
  [ -n "$name" ] || continue
  if [ -n "${ONLY:-}" ] && ! [[ "$name" =~ $ONLY ]]; then continue; fi
  model="$WORK/$name.gguf"
  untied=(); [ "$tied" = true ] || untied=(--untied)
  "$ROOT/qwen4j" random-model "$model" --arch "$arch" --type "$type" --hidden "$hidden" --layers "$layers" \
    --heads "$heads" --kv-heads "$kv" --head-dim "$hd" --ffn "$ffn" --vocab "$vocab" --seed "$seed" --std "$std" "${untied[@]}" >/dev/null
  sha256sum "$model" | cut -d' ' -f1 > "$OUT/$name.sha256"
  for mode in batch step; do
    "$LL" -q -m "$model" --tokens "$tokens" -o "$OUT/$name.$mode.f32" --mode "$mode" --kv f32 --fa off -t 2 >/dev/null
    rm -f "$OUT/$name.$mode.f32.json"
  done
  echo "$name: ok"
done
