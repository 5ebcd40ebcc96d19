// Encodes a little-endian float32 file with ggml's own quantizer (ggml_quantize_chunk without an importance
// matrix, i.e. the quantize_row_*_ref functions llama-quantize uses), linked against llama.cpp's libggml-base.
// Usage: ggml_quantize_vectors TYPE IN.f32 OUT   (TYPE: q4_0 q5_0 q5_1 q8_0 q4_K q5_K q6_K)
#include "ggml.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char ** argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s TYPE IN.f32 OUT\n", argv[0]); return 2; }
    const char * names[] = {"q4_0", "q5_0", "q5_1", "q8_0", "q4_K", "q5_K", "q6_K"};
    const enum ggml_type types[] = {GGML_TYPE_Q4_0, GGML_TYPE_Q5_0, GGML_TYPE_Q5_1, GGML_TYPE_Q8_0,
                                    GGML_TYPE_Q4_K, GGML_TYPE_Q5_K, GGML_TYPE_Q6_K};
    int t = -1;
    for (int i = 0; i < 7; i++) if (strcmp(argv[1], names[i]) == 0) t = i;
    if (t < 0) { fprintf(stderr, "unknown type %s\n", argv[1]); return 2; }
    FILE * f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 1; }
    fseek(f, 0, SEEK_END);
    long n = ftell(f) / 4;
    fseek(f, 0, SEEK_SET);
    float * x = malloc(n * sizeof(float));
    if (fread(x, 4, n, f) != (size_t) n) { fprintf(stderr, "short read\n"); return 1; }
    fclose(f);
    const int64_t per_row = 256;
    if (n % per_row != 0) { fprintf(stderr, "input must be a multiple of 256 floats\n"); return 1; }
    size_t size = ggml_row_size(types[t], per_row) * (n / per_row);
    void * y = malloc(size);
    size_t done = ggml_quantize_chunk(types[t], x, y, 0, n / per_row, per_row, NULL);
    FILE * o = fopen(argv[3], "wb");
    fwrite(y, 1, done, o);
    fclose(o);
    return 0;
}
