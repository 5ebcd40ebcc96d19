#!/usr/bin/env python3
"""Builds qwen3-vocab.txt.gz, the Qwen3 vocabulary as llama.cpp's convert_hf_to_gguf.py writes it to GGUF.

usage: python3 make_vocab.py path/to/Qwen3/tokenizer.json [vocab_size]

Mirrors convert_hf_to_gguf.py (TextModel.get_vocab_base / does_token_look_special): ids past the tokenizer's
tokens up to config.json's vocab_size (151936 for Qwen3) are "[PAD<id>]" of type UNUSED; added tokens that are
"special" or look like <|...|> are CONTROL, the other added tokens USER_DEFINED, the rest NORMAL.
bos = 151643 (config.json bos_token_id), eos = <|im_end|> (tokenizer_config eos_token), padding = <|endoftext|>.

Format (UTF-8, gzip): header lines "key value", then "tokens N" followed by N lines "<type>\t<token>",
then "merges M" followed by M lines "<left> <right>". In token lines \\, \n, \r and \t are backslash-escaped.
"""
import gzip
import json
import sys

NORMAL, CONTROL, USER_DEFINED, UNUSED = 1, 3, 4, 5


def escape(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def main():
    tj = json.load(open(sys.argv[1], encoding="utf-8"))
    vocab_size = int(sys.argv[2]) if len(sys.argv) > 2 else 151936
    by_id = {i: (t, NORMAL) for t, i in tj["model"]["vocab"].items()}
    for a in tj["added_tokens"]:
        text = a["content"]
        looks_special = text.startswith("<|") and text.endswith("|>")
        by_id[a["id"]] = (text, CONTROL if a["special"] or looks_special else USER_DEFINED)
    ids = {t: i for i, (t, _) in by_id.items()}
    merges = [m if isinstance(m, str) else " ".join(m) for m in tj["model"]["merges"]]
    with gzip.GzipFile("qwen3-vocab.txt.gz", "wb", mtime=0) as raw:
        out = raw
        def line(s):
            out.write((s + "\n").encode("utf-8"))
        line("bos %d" % ids["<|endoftext|>"])
        line("eos %d" % ids["<|im_end|>"])
        line("eot -1")
        line("pad %d" % ids["<|endoftext|>"])
        line("add_bos false")
        line("tokens %d" % vocab_size)
        for i in range(vocab_size):
            text, kind = by_id.get(i, ("[PAD%d]" % i, UNUSED))
            line("%d\t%s" % (kind, escape(text)))
        line("merges %d" % len(merges))
        for m in merges:
            line(m)


if __name__ == "__main__":
    main()
