#!/usr/bin/env python3
"""Writes corpus-inputs.jsonl: hand-picked hard cases plus seeded random strings for the tokenizer tests.
The expected ids (corpus-expected.jsonl) come from the HF `tokenizers` engine and transformers.js, which must agree:
  node oracle.mjs encode <Qwen3 tokenizer dir> corpus-inputs.jsonl --jsonl --engine both --mode special
"""
import json
import random

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
]

POOL = (list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        + list(" \t\n\r\u00a0\u3000\u2003\u200b\u0085") + list(" " * 10)
        + list("'’\"!?.,;:()[]{}<>|/\\@#$%^&*-_=+~`")
        + list("éüßçñøåæœ日本語中文한국어абвгдαβγ١٢٣٤٥ⅫΩ√∞€") + ["\u0301", "\u0308", "🙂", "👍🏽", "🇯🇵", "𝓗", "‍"]
        + ["<|im_start|>", "<|im_end|>", "<think>", "</think>", "<|endoftext|>", "'s", "'ll", "'RE", "\r\n"])


def main():
    rng = random.Random(20240611)
    cases = list(CASES)
    for _ in range(300):
        cases.append("".join(rng.choice(POOL) for _ in range(rng.randint(1, 40))))
    with open("corpus-inputs.jsonl", "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
