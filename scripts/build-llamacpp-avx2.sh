#!/usr/bin/env bash
# Builds llama.cpp's llama-bench for an AVX2/FMA CPU without AVX-512 or AMX (the CPU the project's performance
# targets are set on), next to a native build, so that both engines can be compared as such a CPU runs them even on
# a newer host: pair it with QWEN4J_JAVA_OPTS=-XX:UseAVX=2, which keeps the JVM to 256-bit vectors.
#
# usage: scripts/build-llamacpp-avx2.sh LLAMA_CPP_SOURCE_DIR   -> LLAMA_CPP_SOURCE_DIR/build-avx2/bin/llama-bench
set -euo pipefail
SRC="${1:?usage: $0 LLAMA_CPP_SOURCE_DIR}"
cmake -S "$SRC" -B "$SRC/build-avx2" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DGGML_NATIVE=OFF \
  -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF \
  -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF
cmake --build "$SRC/build-avx2" -j "$(nproc)" --target llama-bench
echo "$SRC/build-avx2/bin/llama-bench"
