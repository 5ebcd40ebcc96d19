#!/usr/bin/env python3
"""Writes the dequantization test vectors of qwen4j-core's DequantizeGgmlIdentityTest.

For each type: random blocks (random quant bytes, scales chosen so that every value is finite, with edge cases:
zero, negative, subnormal and large fp16 scales, the extreme E8M0 exponents) as <type>.blocks, and what
llama.cpp's gguf-py (gguf/quants.py, numpy ports of ggml-quants.c dequantize_row_*) makes of them as
<type>.f32 (little-endian float32).

usage: LLAMA_CPP_SRC=/path/to/llama.cpp scripts/make-dequant-vectors.py
"""
import os
import sys
from pathlib import Path

import numpy as np

src = os.environ.get("LLAMA_CPP_SRC")
if not src:
    sys.exit("set LLAMA_CPP_SRC to a llama.cpp source tree (its gguf-py is the oracle)")
sys.path.insert(0, str(Path(src) / "gguf-py"))
from gguf import GGMLQuantizationType as T  # noqa: E402
from gguf.constants import GGML_QUANT_SIZES  # noqa: E402
from gguf.quants import dequantize  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "qwen4j-core/src/test/resources/tensor/dequant"
ELEMENTS = 2048

# Byte offsets of each type's scale fields (ggml-common.h block_*): fp16 ones and the MXFP4 E8M0 byte.
HALVES = {
    T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2],
    T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
    T.IQ4_NL: [0], T.IQ4_XS: [0], T.MXFP4: [],
}
EDGE_HALVES = [0.0, -0.0, -0.03125, 2.0 ** -24, 6.0e-5, 1000.0, 65504.0]
EDGE_E8M0 = [0, 1, 2, 3, 127, 128, 200]


def blocks(qtype, rng):
    block_size, type_size = GGML_QUANT_SIZES[qtype]
    n = ELEMENTS // block_size
    data = rng.integers(0, 256, size=(n, type_size), dtype=np.uint8)
    for off in HALVES[qtype]:
        d = (rng.standard_normal(n) * 0.02).astype(np.float16)
        for i, v in enumerate(EDGE_HALVES):
            d[(i + off) % n] = v
        data[:, off:off + 2] = d.view(np.uint8).reshape(n, 2)
    if qtype == T.MXFP4:
        e = rng.integers(110, 140, size=n, dtype=np.uint8)
        e[:len(EDGE_E8M0)] = EDGE_E8M0
        data[:, 0] = e
    return data


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261129)
    for qtype in HALVES:
        data = blocks(qtype, rng)
        values = dequantize(data.reshape(-1), qtype).astype("<f4").reshape(-1)
        assert values.size == ELEMENTS and np.isfinite(values).all(), qtype.name
        name = qtype.name.lower()
        (OUT / f"{name}.blocks").write_bytes(data.tobytes())
        (OUT / f"{name}.f32").write_bytes(values.tobytes())
        print(f"{qtype.name}: {data.shape[0]} blocks, max |value| {np.abs(values).max():.4g}")


if __name__ == "__main__":
    main()
