#!/usr/bin/env python3
"""Writes the tokenizer test inputs; make_expected.sh runs it, then asks the HF tokenizers oracle for the expected
outputs.
  corpus-inputs.jsonl  hand-picked hard cases plus seeded random strings, one JSON string per line
  decode-inputs.jsonl  id sequences to decode: byte tokens forming invalid UTF-8, added tokens, unknown ids
usage: make_corpus.py OUTDIR
"""
import json
import os
import random
import sys

CASES = [
    "Hello world", " Hello world", "Hello World!", "hello, world. How are you?",
    "I'm fine, you're great, she's here, we've gone, I'll go, he'd say, don't",
    "I'M FINE, YOU'RE GREAT, SHE'S, WE'VE, I'LL, HE'D, DON'T", "'s's 'sa 'lls 'reel 'S 'Ll 'rE",
    "'ſ 'ſt", "rock'n'roll", "''''", "it’s curly’s",
    "3.14159265358979", "1234567890 12,345,678 0x7FFF_FFFF 1e-10", "٣٤٥ ௫௬ ¼½¾ Ⅻ ①②",
    "    four spaces", "a  b   c    d", "trailing   ", "\t\ttabs\tand\t", "line1\nline2\r\nline3\rline4",
    "\n\n\n", " \n \n ", "x \n\n  y", "a\u00a0b\u00a0\u00a0c", "full\u3000width\u3000\u3000space",
    "zero\u200bwidth\u200djoiner\ufeffbom", "nbsp\u202fnarrow\u2009thin\u205fmath", "\u2028line\u2029para",
    "\u0085next line", "\x00nul\x01\x1f ctrl \x7f", "\u000b\u000cvt ff",
    "日本語のテキストです。東京タワー", "中文测试：你好，世界！这是一个句子。", "한국어 텍스트 안녕하세요",
    "Русский текст, привет мир", "Ελληνικά κείμενο", "العربية نص تجريبي", "עברית טקסט", "हिन्दी पाठ परीक्षण",
    "ภาษาไทย ทดสอบ", "Tiếng Việt có dấu", "ქართული", "Ænglisc þe ðe", "ﬁnancial ﬂow", "Ǆemal ǅemal ǆemal",
    "e\u0301 cafe\u0301 nai\u0308ve", "\u1100\u1161\u11a8 jamo", "Å Å Ω Ω", "x\u0301\u0302\u0303 combining",
    "🙂😀🎉 emoji", "👨‍👩‍👧‍👦 family", "👍🏽 thumbs", "🇩🇪🇯🇵 flags", "❤️ red heart", "a🙂b🙂c",
    "𝓗𝓮𝓵𝓵𝓸 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𠀀𠀁 ext-B", "∀x∈ℝ: x²≥0 ∑∫√∞", "→←↑↓ ⇒ ≠ ≤ ≥", "€100 £50 ¥1000 $5",
    "def foo(x):\n    return x ** 2  # square\n", "public static void main(String[] args) {\n\tSystem.out.println(\"hi\");\n}",
    "if (a && b || !c) { x += 1; } else { y -= 2; }", "<html><body class=\"x\">text</body></html>",
    "{\"key\": [1, 2, 3], \"nested\": {\"a\": null}}", "SELECT * FROM users WHERE id = 42;", "https://example.com/path?q=1&r=2#frag",
    "~!@#$%^&*()_+-=[]{}|;:'\",.<>/?`", "....!!!???", "---===***", " !!", "  !!", "a!!\n\nb", "x?\r\n\r\ny",
    "<|im_start|>user\nHello<|im_end|>\n", "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>assistant\n<think>\nLet me think.\n</think>\n\nThe answer is 4.<|im_end|>",
    "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>",
    "<tool_response>\n{\"temp\": 21}\n</tool_response>", "<|endoftext|><|endoftext|>", "<|im_start|><|im_end|>",
    "<|im_start", "im_end|>", "<|im_end|>|>", "<<|im_start|>>", "<|im_start|x|>", "<think></think>", "<think> </think>",
    "<|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|>", "<|vision_start|><|image_pad|><|vision_end|>",
    "Ápfel Äpfel", "ied 4 ½ months", "   Hello\n    Hello", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "9" * 40, " " * 37 + "x", "\n" * 9 + " " * 3, "=" * 64, "abc" * 30,
    # contractions with odd casing: Unicode case folding makes U+017F LONG S an 's'; U+212A KELVIN folds to 'k'
    "x'ſt 'ſ 'ſſ don'ſ", "'ſ\u017f", "IT'S It'S it'S", "'Re 'rE 'RE 'vE 'Ve 'LL 'lL 'Ll 'D 'M 'T",
    "'\u212a 'K 'k", "'\u0130 'ı 'İ", "'st 'ﬅ 'ﬆ", "‘s ’S ＇s", "'''s", "'s'S's", "a's'", "'\n's",
    "I'ꞋM 'ß 'ẞ", "'S\u0301 'e\u0301", "'ll'll'll", "x'LLy'VEz'REw",
    # long digit runs and other numbers
    "1" * 200, "3" * 1000 + "x", "١٢٣٤٥٦٧٨٩٠" * 5, "𝟎𝟏𝟐𝟑𝟒 ⑳ ㊿ ↉", "2024-06-11T12:34:56.789Z", "+1 (555) 010-9999",
    # whitespace runs incl. unusual Unicode spaces (all White_Space) and look-alikes that are not
    "\u00a0" * 5 + "x", "a\u1680b\u180ec", "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200ax",
    "\u202f\u205f\u3000 x", "\u2028\u2029\u0085\u000b\u000c\u001c\u001d\u001e\u001f", "x\u200b\u200c\u200d\u2060\ufeff y",
    " \t \n\r\n \t x", "\r\r\n\n\r", "x  \u3000\u3000y", "\t" * 20, " " * 300, "\n" * 50 + "end",
    "a \u0301b", "  \u0301", "\u3000!", "\u00a0's",
    # emoji and ZWJ sequences, modifiers, keycaps, tags
    "👩🏽‍💻👨‍👨‍👧‍👦🏳️‍🌈🏴‍☠️", "🫱🏿‍🫲🏻 🧑🏾‍🦯‍➡️", "1️⃣#️⃣*️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland", "☺︎☺️ ✌🏻 ⌚", "🫠🫨🪿 new emoji",
    "x🙂y 🙂a a🙂 🙂 🙂", "🇺🇳🇺🇳🇺", "a\u200db",
    # combining marks, NFC-sensitive text, scripts where marks matter (Qwen3.5 groups letters with marks)
    "a\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307", "\u0301\u0301start", "Ç vs C\u0327, Å vs A\u030a vs \u212b",
    "\u1e9b\u0323 ẛ̣", "\u0344 \u0340\u0341 \u0958 \u2126", "한\u1100\u1161\u11a8 \uac00\u11a8",
    "நமஸ்காரம் தமிழ்", "ಕನ್ನಡ తెలుగు", "မြန်မာ ဘာသာ", "ខ្មែរ", "བོད་ཡིག", "ᐃᓄᒃᑎᑐᑦ", "ꦧꦱꦗꦮ", "𓀀𓀁 𐎀 𒀀",
    "Zalgo: Z̷͉̈a̴̛͓l̸̰̈g̵̣̓ȍ̵͜", "e\u0301\u0327 o\u0328\u0304", "क्षि ज्ञ", "ٱلْعَرَبِيَّة", "שָׁלוֹם",
    "\u1c89\u1c8a Unicode 16", "𐵊𐵋 Garay", "𞓐𞓑 Ol Onal", "𑼄𑼅 Kawi",
    # text that looks like special tokens, or nearly, and chat markup
    "<|im_start|>", "<|im_start|><|im_start|>", "<|IM_START|>", "< |im_start|>", "<|im_start |>", "<|im_end|>\n",
    "<think>", "</think>", "<think>\n</think>", "<thinking>", "<think >", "<<think>>", "</think></think>",
    "<tool_call></tool_call><tool_response></tool_response>", "<|fim_prefix|><|fim_suffix|><|fim_middle|><|fim_pad|>",
    "<|repo_name|>r<|file_sep|>f", "<|endoftext|>", "<|endoftext|", "|endoftext|>", "<|object_ref_start|>x<|object_ref_end|>",
    "<|box_start|>(1,2)<|box_end|><|quad_start|><|quad_end|>", "<|vision_pad|><|video_pad|>", "<|im_start|>user\n<|im_start|>",
    "\u00a0<|im_start|>\u00a0", " <think> ", "'s<|im_end|>'s", "x<|im_end|>y<think>z",
    "<|im_start|>system\nYou are Qwen.<|im_end|>\n<|im_start|>user\nWhat is 2+2? Answer with <think> tags.<|im_end|>\n"
    "<|im_start|>assistant\n<think>\nSimple: 4.\n</think>\n\n<tool_call>\n{\"name\": \"calc\", \"arguments\": {\"e\": \"2+2\"}}\n"
    "</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n4\n</tool_response><|im_end|>\n<|im_start|>assistant\n",
]

POOL = (list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        + list(" \t\n\r\u00a0\u3000\u2003\u200b\u0085") + list(" " * 10)
        + list("'’\"!?.,;:()[]{}<>|/\\@#$%^&*-_=+~`")
        + list("éüßçñøåæœ日本語中文한국어абвгдαβγ١٢٣٤٥ⅫΩ√∞€") + ["\u0301", "\u0308", "🙂", "👍🏽", "🇯🇵", "𝓗", "‍"]
        + ["<|im_start|>", "<|im_end|>", "<think>", "</think>", "<|endoftext|>", "'s", "'ll", "'RE", "\r\n"])


# Code points of every kind: assigned or not, marks, letters of recent Unicode versions; never surrogates.
def random_code_point(rng):
    while True:
        cp = rng.randint(0, 0x2FFFF) if rng.random() < 0.8 else rng.randint(0, 0x10FFFF)
        if not 0xD800 <= cp <= 0xDFFF:
            return cp


# Qwen's byte tokens: the first 256 ids are GPT-2's bytes_to_unicode characters, printable bytes first.
def byte_token_ids():
    bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    order = bs + [b for b in range(256) if b not in bs]
    return {b: i for i, b in enumerate(order)}


def decode_cases(rng):
    byte_id = byte_token_ids()
    ids = lambda bs: [byte_id[b] for b in bs]
    cases = [
        ids([0x80]), ids([0xC0, 0x80]), ids([0xC2]), ids([0xC2, 0x41]), ids([0xE0, 0x80, 0x80]), ids([0xE0, 0xA0]),
        ids([0xE0, 0xA0, 0x41]), ids([0xED, 0xA0, 0x80]), ids([0xED, 0x9F, 0xBF]), ids([0xEF, 0xBF, 0xBD]),
        ids([0xF0, 0x80, 0x80, 0x80]), ids([0xF0, 0x90, 0x80]), ids([0xF0, 0x9F, 0x98, 0x80]), ids([0xF4, 0x8F, 0xBF, 0xBF]),
        ids([0xF4, 0x90, 0x80, 0x80]), ids([0xF5, 0x80]), ids([0xFF, 0xFE]), ids([0xF8, 0x88, 0x80, 0x80, 0x80]),
        ids([0xE4, 0xB8]) + [9707], ids([0xF0, 0x9F]) + [151644] + ids([0x98, 0x80]),
        [9707, -1, 999999, 151700, 1879], [151644, 872, 198, 151667, 151668, 151645],
    ]
    for _ in range(300):
        seq = []
        for _ in range(rng.randint(1, 12)):
            r = rng.random()
            if r < 0.6:
                seq.append(byte_id[rng.choice([rng.randint(0, 255), rng.randint(0x80, 0xBF), rng.randint(0xC0, 0xF7)])])
            elif r < 0.9:
                seq.append(rng.randint(0, 151642))
            else:
                seq.append(rng.randint(151643, 151668))
        cases.append(seq)
    return cases


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    rng = random.Random(20240611)
    cases = list(CASES)
    for _ in range(300):
        cases.append("".join(rng.choice(POOL) for _ in range(rng.randint(1, 40))))
    for _ in range(300):
        cases.append("".join(chr(random_code_point(rng)) if rng.random() < 0.5 else rng.choice(POOL)
                             for _ in range(rng.randint(1, 30))))
    with open(os.path.join(out, "corpus-inputs.jsonl"), "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")
    with open(os.path.join(out, "decode-inputs.jsonl"), "w", encoding="utf-8") as f:
        for c in decode_cases(rng):
            f.write(json.dumps(c) + "\n")


if __name__ == "__main__":
    main()
