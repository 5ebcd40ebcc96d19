"""Turns `llama-quantize --dry-run` output (stdin) into a plan: one line per tensor, in llama-quantize's order,
with its shape (ggml order, trailing 1s dropped) and the type llama-quantize would give it."""
import re
import sys

line_re = re.compile(r"^\[\s*\d+/\s*\d+\]\s+(\S+)\s+- \[([\d,\s]+)\], type =\s*(\S+), size = [^(]*(?:\((\S+)\))?\s*$")
for line in sys.stdin:
    m = line_re.match(line.rstrip("\n"))
    if not m:
        continue
    name, shape, src, dst = m.groups()
    dims = [int(d) for d in shape.split(",")]
    while len(dims) > 1 and dims[-1] == 1:
        dims.pop()
    print(f"{name}\t{','.join(map(str, dims))}\t{(dst or src).upper()}")
