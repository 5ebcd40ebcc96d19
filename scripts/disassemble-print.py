#!/usr/bin/env python3
"""Disassembles a method's C2 code from a HotSpot `-XX:CompileCommand=print` log, without the hsdis library.

Without hsdis the JVM prints compiled code as hex words; this turns the last (or the N-th) C2-compiled section for a
method into instructions with binutils' objdump (Intel syntax). Used for the kernel studies in docs/decisions (0017).

  java ... -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,io.qwen4j.tensor.Q8_0Matrix::dotRows ... > log
  scripts/disassemble-print.py log Q8_0Matrix::dotRows [N]
"""
import re
import subprocess
import sys
import tempfile

C2_HEADER = '============================= C2-compiled nmethod =============================='


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    log, method = sys.argv[1], sys.argv[2]
    text = open(log, errors='replace').read()
    sections = [s for s in text.split(C2_HEADER)[1:] if method in '\n'.join(s.split('\n')[:6])]
    if not sections:
        sys.exit(f'no C2-compiled section for {method} in {log}')
    section = sections[int(sys.argv[3]) if len(sys.argv) > 3 else -1].split('[/MachCode]')[0]
    code = {}
    for line in section.split('\n'):
        m = re.match(r'\s*0x([0-9a-f]+):\s+([0-9a-f| ]+)$', line)
        if not m:
            continue
        words = m.group(2).replace('|', ' ').split()
        if not all(re.fullmatch(r'[0-9a-f]{2}|[0-9a-f]{4}', w) for w in words):
            continue
        start = int(m.group(1), 16)
        for i, b in enumerate(bytes.fromhex(''.join(words))):
            code[start + i] = b
    if not code:
        sys.exit('the section holds no machine code (is hsdis loaded? then the log is already readable)')
    lo, hi = min(code), max(code)
    with tempfile.NamedTemporaryFile(suffix='.bin') as f:
        f.write(bytes(code.get(a, 0x90) for a in range(lo, hi + 1)))
        f.flush()
        out = subprocess.run(['objdump', '-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'intel',
                              f'--adjust-vma={lo:#x}', f.name], capture_output=True, text=True, check=True)
    print(out.stdout)


if __name__ == '__main__':
    main()
