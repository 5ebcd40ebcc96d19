#!/usr/bin/env bash
# Regenerates the tokenizer test data in qwen4j-core/src/test/resources/tokenizer from the Hugging Face `tokenizers`
# Rust engine (through its Node binding), driven by the offline oracle oracle.mjs:
#   corpus-inputs.jsonl, decode-inputs.jsonl   inputs (make_corpus.py)
#   corpus-expected.jsonl.gz                   per input line: ids for Qwen3, Qwen2.5 and Qwen3's vocabulary with the
#                                              Qwen3.5 pre-tokenizer, each with all / non-special / no added tokens
#                                              matched, and the pre-tokenizer pieces of both regexes
#   decode-expected.jsonl                      per id sequence: the decoded text
#
# usage: QWEN_TOKDATA=path/to/tokdata scripts/tokenizer/make_expected.sh
# where tokdata holds qwen3/ and qwen2_5/ (tokenizer.json, tokenizer_config.json), qwen3_5/pre_tokenizer.qwen35.json
# and oracle/oracle.mjs with its npm dependencies installed (see oracle.mjs).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOKDATA="${QWEN_TOKDATA:?set QWEN_TOKDATA to the folder with qwen3/, qwen2_5/, qwen3_5/ and oracle/}"
ORACLE="$TOKDATA/oracle/oracle.mjs"
OUT="$ROOT/qwen4j-core/src/test/resources/tokenizer"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

python3 "$ROOT/scripts/tokenizer/make_corpus.py" "$OUT"

# Qwen3's vocabulary with the Qwen3.5 regex (no Qwen3.5 vocabulary is available offline)
mkdir -p "$WORK/qwen35pre"
cp "$TOKDATA/qwen3/tokenizer_config.json" "$WORK/qwen35pre/"
python3 - "$TOKDATA" "$WORK/qwen35pre/tokenizer.json" <<'PY'
import json, sys
tokdata, out = sys.argv[1], sys.argv[2]
q3 = json.load(open(tokdata + "/qwen3/tokenizer.json", encoding="utf-8"))
q25 = json.load(open(tokdata + "/qwen2_5/tokenizer.json", encoding="utf-8"))
# the tests derive Qwen2.5 from Qwen3's file: check that only the added tokens and the merges' spelling differ
merges = lambda tj: [m if isinstance(m, str) else " ".join(m) for m in tj["model"]["merges"]]
assert q3["model"]["vocab"] == q25["model"]["vocab"] and merges(q3) == merges(q25)
assert q3["normalizer"] == q25["normalizer"] and q3["pre_tokenizer"] == q25["pre_tokenizer"]
assert q3["added_tokens"][:len(q25["added_tokens"])] == q25["added_tokens"]
pre = json.load(open(tokdata + "/qwen3_5/pre_tokenizer.qwen35.json", encoding="utf-8"))
q3["pre_tokenizer"] = pre["pre_tokenizer"]
json.dump(q3, open(out, "w", encoding="utf-8"), ensure_ascii=False)
PY
QWEN35_REGEX="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"])' "$TOKDATA/qwen3_5/pre_tokenizer.qwen35.json")"

for tok in qwen3:"$TOKDATA/qwen3" qwen25:"$TOKDATA/qwen2_5" qwen35pre:"$WORK/qwen35pre"; do
  name="${tok%%:*}"; dir="${tok#*:}"
  for mode in special nospecial plain; do
    node "$ORACLE" encode "$dir" "$OUT/corpus-inputs.jsonl" --jsonl --engine hf --mode "$mode" > "$WORK/$name.$mode.jsonl"
  done
done
node "$ORACLE" pretok "$TOKDATA/qwen3" "$OUT/corpus-inputs.jsonl" --jsonl > "$WORK/pieces.qwen2.jsonl"
node "$ORACLE" pretok "$TOKDATA/qwen3" "$OUT/corpus-inputs.jsonl" --jsonl --regex "$QWEN35_REGEX" > "$WORK/pieces.qwen35.jsonl"
node "$ORACLE" decode "$TOKDATA/qwen3" "$OUT/decode-inputs.jsonl" --engine hf > "$OUT/decode-expected.jsonl"

python3 - "$WORK" "$OUT/corpus-expected.jsonl.gz" <<'PY'
import gzip, json, sys
work, out = sys.argv[1], sys.argv[2]
read = lambda name: [json.loads(l) for l in open(f"{work}/{name}.jsonl", encoding="utf-8")]
cols = {f"{t}.{m}": read(f"{t}.{m}") for t in ("qwen3", "qwen25", "qwen35pre") for m in ("special", "nospecial", "plain")}
cols["pieces.qwen2"] = read("pieces.qwen2")
cols["pieces.qwen35"] = read("pieces.qwen35")
n = {len(v) for v in cols.values()}
assert len(n) == 1, n
lines = [json.dumps({k: v[i] for k, v in cols.items()}, separators=(",", ":")) + "\n" for i in range(n.pop())]
with gzip.GzipFile(out, "wb", mtime=0) as f:
    f.write("".join(lines).encode("utf-8"))
PY
echo "wrote $OUT/corpus-expected.jsonl.gz and decode-expected.jsonl"
