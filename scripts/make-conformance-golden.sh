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
# Where the CPU advertises AMX but the kernel does not enable it, llama.cpp's AMX kernel for Q8_0 batches dies with
# SIGILL; build llama_logits with `mp.use_extra_bufts = false` (plain CPU buffers, no AMX) for such a machine. The
# Q8_0 goldens of qwen3moe, qwen35, qwen35moe and qwen3next were made that way.
# Cases whose oracle column says `exact` get <name>.exact.f32 from a float64 reference forward pass instead; point
# REF_FORWARD at it (the ref_forward.py of the reference tools that come with llama.cpp's peer setup).
# ONLY=REGEX limits the run to the cases whose name matches (e.g. ONLY='^qwen3(5|next|moe)').
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LL="${LLAMA_LOGITS:-$HOME/.cache/llamacpp-peer/bin/llama_logits}"
[ -x "$LL" ] || { echo "set LLAMA_LOGITS to llama.cpp's llama_logits binary" >&2; exit 1; }
OUT="$ROOT/qwen4j-core/src/test/resources/conformance"
WORK="$(mktemp -d)"
. "$ROOT/scripts/golden-cases.sh"
trap 'rm -rf "$WORK"' EXIT
grep -v '^#' "$OUT/cases.tsv" | while IFS=$'\t' read -r name arch type hidden layers heads kv hd ffn vocab tied seed std tokens oracle; do
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
  for mode in batch step; do
    "$LL" -q -m "$model" --tokens "$tokens" -o "$OUT/$name.$mode.f32" --mode "$mode" --kv f32 --fa off -t 2 >/dev/null
    rm -f "$OUT/$name.$mode.f32.json"
  done
  echo "$name: ok"
done
