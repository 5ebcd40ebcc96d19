"""Writes the inputs and ggml-identical encodings used by QuantizerGgmlIdentityTest.

The expected bytes come from the numpy ports of ggml's reference quantizers (quantize_row_q8_0_ref,
quantize_row_q4_0_ref, GGML_FP32_TO_FP16, ggml_compute_fp32_to_bf16) in the llama.cpp-peer tooling's
make_gguf.py, which are byte-identical to ggml. Usage: python3 make_quant_vectors.py PATH/TO/make_gguf.py
"""
import importlib.util, sys
import numpy as np

spec = importlib.util.spec_from_file_location("make_gguf", sys.argv[1])
mg = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mg)

rng = np.random.default_rng(7)
blocks = [
    rng.standard_normal(32 * 64),                        # ordinary weights
    np.zeros(32),                                         # all zero: d = 0
    np.r_[1000.0, rng.standard_normal(31) * 0.01],        # one huge value
    np.r_[-5.0, np.linspace(-4.9, 4.9, 31)],              # negative value of largest magnitude
    (np.arange(32) - 16) * (1.0 / 127) * 2.5,             # q8 values landing on x.5 ties
    np.linspace(-8, 7, 32) / 8 * 3 + 0.0001,              # q4 values near integer boundaries
    rng.standard_normal(32) * 1e-7,                       # fp16 scale underflows to subnormal
    rng.standard_normal(32) * 1e7,                        # fp16 scale overflows
    np.array([65504, 65520, -65536, 1e-8, 6e-8, 5.96e-8, 0.1, 1 / 3] * 4),  # f16 edge values
]
x = np.concatenate(blocks).astype(np.float32)
x.tofile("quant-input.f32")
mg.quantize_q8_0(x.reshape(-1, 32)).tofile("quant-expected.q8_0")
mg.quantize_q4_0(x.reshape(-1, 32)).tofile("quant-expected.q4_0")
mg.to_f16(x).tofile("quant-expected.f16")
mg.to_bf16(x).tofile("quant-expected.bf16")
print(len(x), "values")
