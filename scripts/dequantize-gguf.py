#!/usr/bin/env python3
"""Rewrites a GGUF file with every tensor dequantized to F32 by llama.cpp's gguf-py (gguf/quants.py).

llama.cpp run on the result computes with exactly the weights an engine that decodes the quantized file in
float32 sees, without llama.cpp's own rounding of activations: the tight oracle of the conformance test's
llama-quantized cases (scripts/make-conformance-golden.sh).

usage: LLAMA_CPP_SRC=/path/to/llama.cpp scripts/dequantize-gguf.py IN.gguf OUT.gguf
"""
import os
import sys
from pathlib import Path

src = os.environ.get("LLAMA_CPP_SRC")
if not src:
    sys.exit("set LLAMA_CPP_SRC to a llama.cpp source tree (for its gguf-py)")
sys.path.insert(0, str(Path(src) / "gguf-py"))
import numpy as np  # noqa: E402
import gguf  # noqa: E402
from gguf.quants import dequantize  # noqa: E402

reader = gguf.GGUFReader(sys.argv[1])
writer = gguf.GGUFWriter(sys.argv[2], reader.fields["general.architecture"].contents())
for field in reader.fields.values():
    if field.name == "general.architecture" or field.name.startswith("GGUF."):
        continue  # written by GGUFWriter itself
    vtype = field.types[0]
    value = 0 if field.name == "general.file_type" else field.contents()  # 0: all F32
    writer.add_key_value(field.name, value, vtype, sub_type=field.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None)
for t in reader.tensors:
    writer.add_tensor(t.name, dequantize(t.data, t.tensor_type).astype(np.float32), raw_dtype=gguf.GGMLQuantizationType.F32)
writer.write_header_to_file()
writer.write_kv_data_to_file()
writer.write_tensors_to_file()
writer.close()
