#!/usr/bin/env node
// Encode throughput of HF `tokenizers` (the Rust engine, through its Node binding @anush008/tokenizers) on one text,
// for comparison with qwen4j's TokenizerBenchmark on the same files.
// usage: node hf_bench.mjs TOKENIZER_JSON TEXT_FILE [ROUNDS]
// Dependencies are resolved from $TOKDEPS (default ~/.cache/tok-oracle), where
//   npm install --ignore-scripts @anush008/tokenizers@0.6.0   was run.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const DEPS = process.env.TOKDEPS || path.join(process.env.HOME, '.cache/tok-oracle');
const { Tokenizer } = createRequire(path.join(DEPS, 'package.json'))('@anush008/tokenizers');
const [tokenizerJson, textFile, roundsArg] = process.argv.slice(2);
if (!tokenizerJson || !textFile) { console.error('usage: node hf_bench.mjs TOKENIZER_JSON TEXT_FILE [ROUNDS]'); process.exit(2); }
const rounds = Number(roundsArg || 10);
const tok = Tokenizer.fromFile(tokenizerJson);
const text = fs.readFileSync(textFile, 'utf8');
const bytes = Buffer.byteLength(text, 'utf8');
const lines = text.split('\n');

async function whole() { return (await tok.encode(text, null, { addSpecialTokens: false })).getIds().length; }
async function perLine() {
  let n = 0;
  for (const l of lines) n += (await tok.encode(l, null, { addSpecialTokens: false })).getIds().length;
  return n;
}
for (const [name, fn] of [['whole', whole], ['lines', perLine]]) {
  let tokens = 0;
  for (let i = 0; i < 3; i++) tokens = await fn(); // warm-up (fills the BPE cache, as a long-running server has)
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  console.log(`RESULT engine=hf-tokenizers-node mode=${name} bytes=${bytes} tokens=${tokens} median_s=${med.toFixed(4)} `
    + `min_s=${times[0].toFixed(4)} MB_s=${(bytes / 1e6 / med).toFixed(2)} tok_s=${Math.round(tokens / med)}`);
}
