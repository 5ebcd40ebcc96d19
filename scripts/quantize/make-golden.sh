#!/usr/bin/env bash
# Regenerates the golden data of the quantizer tests from llama.cpp itself.
#
# 1. Encoder vectors (qwen4j-core/src/test/resources/tensor): builds ggml_quantize_vectors.c against llama.cpp's
#    libggml-base and encodes quant-input.f32 and kquant-input.f32 (from make_kquant_input.py) with ggml.
# 2. Model goldens (qwen4j-core/src/test/resources/quantize): for each case in models.tsv writes the random model
#    with `qwen4j random-model`, quantizes it with llama-quantize (2 threads) for each recipe, and records the
#    model's sha256 (<name>.sha256), each output's sha256 (golden.tsv) and, for the mixes, each tensor's type in
#    the output (<name>.<recipe>.types). ModelQuantizerLlamaIdentityTest compares against them.
#
# MAKE_GGUF: the llama.cpp-peer tooling's make_gguf.py (optional, for the MoE and hybrid rule cases of step 3).
# LLAMA_CPP_DIR: a llama.cpp source tree built with cmake into build/ (default: the llama.cpp peer checkout).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LLAMA_CPP_DIR="${LLAMA_CPP_DIR:-$HOME/.cache/llamacpp-peer/llama.cpp-src}"
LQ="${LLAMA_QUANTIZE:-$LLAMA_CPP_DIR/build/bin/llama-quantize}"
[ -x "$LQ" ] || { echo "set LLAMA_CPP_DIR (or LLAMA_QUANTIZE) to a llama.cpp build" >&2; exit 1; }
WORK="$(mktemp -d)"
. "$ROOT/scripts/golden-cases.sh"
trap 'rm -rf "$WORK"' EXIT

VEC="$ROOT/qwen4j-core/src/test/resources/tensor"
gcc -O2 -std=gnu11 -I"$LLAMA_CPP_DIR/ggml/include" "$ROOT/scripts/quantize/ggml_quantize_vectors.c" \
  -L"$(dirname "$LQ")" -lggml-base -Wl,-rpath,"$(dirname "$LQ")" -o "$WORK/gqv"
python3 "$ROOT/scripts/quantize/make_kquant_input.py" "$VEC/kquant-input.f32"
for t in q5_0 q5_1 q4_K q5_K q6_K; do
  "$WORK/gqv" "$t" "$VEC/quant-input.f32" "$VEC/quant-expected.${t,,}"
done
for t in q4_K q5_K q6_K; do
  "$WORK/gqv" "$t" "$VEC/kquant-input.f32" "$VEC/kquant-expected.${t,,}"
done

OUT="$ROOT/qwen4j-core/src/test/resources/quantize"
echo -e "# model\trecipe\tsha256 of llama-quantize's output" > "$OUT/golden.tsv"
grep -v '^#' "$OUT/models.tsv" | while IFS=$'\t' read -r name arch type hidden layers heads kv hd ffn vocab tied seed std recipes; do
  [ -n "$name" ] || continue
  write_case_model "$WORK" "$OUT" "$name" "$arch" "$type" "$hidden" "$layers" "$heads" "$kv" "$hd" "$ffn" "$vocab" "$tied" "$seed" "$std"
  model="$WORK/$name.gguf"
  for recipe in ${recipes//,/ }; do
    pure=(); t="$recipe"
    if [[ "$recipe" == pure:* ]]; then pure=(--pure); t="${recipe#pure:}"; fi
    "$LQ" "${pure[@]}" "$model" "$WORK/out.gguf" "$t" 2 >/dev/null 2>&1
    echo -e "$name\t$recipe\t$(sha256sum "$WORK/out.gguf" | cut -d' ' -f1)" >> "$OUT/golden.tsv"
    if [ ${#pure[@]} -eq 0 ]; then
      "$ROOT/qwen4j" inspect "$WORK/out.gguf" | awk '/^tensors:/ {on=1; next} on && NF >= 3 && $1 != "total" {print $1 "\t" $2}' \
        > "$OUT/$name.$recipe.types"
    fi
  done
  echo "$name: ok"
done

# 3. Mix rules on shapes too large to quantize in a test or that RandomModelWriter cannot write (MoE, hybrid):
#    llama-quantize --dry-run lists each tensor's type; TensorTypeChooserTest replays the choice from names and
#    shapes. The MoE and Qwen3.5 models come from the llama.cpp-peer tooling's make_gguf.py (MAKE_GGUF).
RULES="$ROOT/qwen4j-core/src/test/resources/quantize/rules"
mkdir -p "$RULES"
: > "$RULES/index.txt"
plan_case() { # NAME MODEL RECIPE...
  local name="$1" model="$2" meta arch layers experts
  shift 2
  meta="$("$ROOT/qwen4j" inspect --no-tensors "$model")"
  arch="$(awk '$1 == "general.architecture" {gsub(/"/, "", $2); print $2}' <<<"$meta")"
  layers="$(awk -v k="$arch.block_count" '$1 == k {print $2}' <<<"$meta")"
  experts="$(awk -v k="$arch.expert_count" '$1 == k {print $2}' <<<"$meta")"
  for recipe in "$@"; do
    { echo "# arch=$arch layers=$layers experts=${experts:-0}"
      "$LQ" --dry-run "$model" "$recipe" 2>&1 | python3 "$ROOT/scripts/quantize/dry_run_plan.py"; } > "$RULES/$name.$recipe.plan"
    echo "$name.$recipe.plan" >> "$RULES/index.txt"
  done
  echo "$name: ok"
}
"$ROOT/qwen4j" random-model "$WORK/qwen2-80.gguf" --arch qwen2 --hidden 256 --layers 80 --heads 4 --kv-heads 2 \
  --head-dim 64 --ffn 256 --seed 1 >/dev/null
plan_case qwen2-80-layers "$WORK/qwen2-80.gguf" Q4_K_M Q4_K_S Q5_K_M Q5_K_S Q6_K Q4_0 Q8_0
rm -f "$WORK/qwen2-80.gguf"
if [ -n "${MAKE_GGUF:-}" ]; then
  python3 "$MAKE_GGUF" --preset qwen3moe-tiny --experts 8 --experts-used 2 --hidden 256 --layers 8 --heads 4 --kv-heads 2 \
    --head-dim 64 --expert-ffn 256 --tokenizer synthetic --type f32 -o "$WORK/moe8.gguf" >/dev/null
  plan_case qwen3moe-8-experts "$WORK/moe8.gguf" Q4_K_M Q4_K_S Q5_K_M
  python3 "$MAKE_GGUF" --preset qwen35-tiny --hidden 256 --layers 8 --tokenizer synthetic --type f32 -o "$WORK/q35.gguf" >/dev/null
  plan_case qwen35-hybrid "$WORK/q35.gguf" Q4_K_M Q5_K_M
  python3 "$MAKE_GGUF" --preset qwen35moe-tiny --hidden 256 --layers 4 --tokenizer synthetic --type f32 -o "$WORK/q35moe.gguf" >/dev/null
  plan_case qwen35moe "$WORK/q35moe.gguf" Q4_K_M
else
  echo "MAKE_GGUF not set: skipping the MoE and hybrid rule cases" >&2
fi
