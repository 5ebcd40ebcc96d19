# Shared by the golden-data scripts (source it; needs ROOT). A case line's columns 1-13 (see
# qwen4j-core/src/test/resources/conformance/cases.tsv) describe a random model.

# write_case_model WORK OUT NAME ARCH TYPE HIDDEN LAYERS HEADS KV_HEADS HEAD_DIM FFN VOCAB TIED SEED STD
# writes the model to WORK/NAME.gguf with `qwen4j random-model` and its sha256 to OUT/NAME.sha256.
write_case_model() {
  local work="$1" out="$2" name="$3" untied=()
  [ "${13}" = true ] || untied=(--untied)
  "$ROOT/qwen4j" random-model "$work/$name.gguf" --arch "$4" --type "$5" --hidden "$6" --layers "$7" --heads "$8" \
    --kv-heads "$9" --head-dim "${10}" --ffn "${11}" --vocab "${12}" --seed "${14}" --std "${15}" "${untied[@]}" >/dev/null
  sha256sum "$work/$name.gguf" | cut -d' ' -f1 > "$out/$name.sha256"
}
