#!/usr/bin/env python3
"""Writes a deterministic ~1 MB mixed text for tokenizer benchmarks: English prose, source code, Chinese, Japanese,
Russian, Arabic, numbers, JSON, emoji and chat markup, in natural-ish proportions with Zipf-distributed words.
usage: make_bench_text.py OUT [SIZE_BYTES]
"""
import random
import sys

EN = ("the of and to a in is it you that he was for on are with as I his they be at one have this from or had by "
      "not word but what some we can out other were all there when up use your how said an each she which do their "
      "time if will way about many then them write would like so these her long make thing see him two has look more "
      "day could go come did number sound no most people my over know water than call first who may down side been "
      "now find any new work part take get place made live where after back little only round man year came show every "
      "good me give our under name very through just form sentence great think say help low line differ turn cause much "
      "mean before move right boy old too same tell does set three want air well also play small end put home read hand "
      "port large spell add even land here must big high such follow act why ask men change went light kind off need "
      "house picture try us again animal point mother world near build self earth father model tokenizer inference "
      "engine quantization matrix vector attention transformer gradient").split()
CODE = [
    "def {f}(self, {a}, {b}=None):\n    if {b} is None:\n        {b} = []\n    return [{a} * x for x in {b}]\n",
    "public static int {f}(int[] {a}, int {b}) {{\n    for (int i = 0; i < {a}.length; i++) {{\n        {b} += {a}[i];\n    }}\n    return {b};\n}}\n",
    "const {f} = async ({a}, {b}) => {{ const r = await fetch(`/api/${{{a}}}?q=${{{b}}}`); return r.json(); }};\n",
    "for (auto& {a} : {b}) {{ {f}({a}); }} // TODO: handle errors\n",
    "SELECT {a}, COUNT(*) FROM {b} WHERE {f} > 42 GROUP BY {a};\n",
]
IDENT = "value items result buffer index count total name data config model tokens weights cache state input output".split()
ZH = ("的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发"
      "天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从知全点开产体意把说明语言模型数据计算")
JA = "これはテストの文章です。日本語のテキストを処理するためのベンチマークで、ひらがなとカタカナとカンジが混ざっています。"
RU = "быстрая коричневая лиса прыгает через ленивую собаку и это предложение на русском языке для проверки".split()
AR = "النص العربي هو مثال على الكتابة من اليمين إلى اليسار مع كلمات مختلفة للاختبار".split()
EMOJI = ["🙂", "😀", "🎉", "👍🏽", "❤️", "🇯🇵", "👨‍👩‍👧‍👦", "🚀", "✅", "🤖"]


def zipf_choice(rng, words):
    # Zipf's law: the word of rank r has weight 1/r
    return rng.choices(words, cum_weights=ZIPF[len(words)])[0]


ZIPF = {}
for _n in (len(EN),):
    _acc, ZIPF[_n] = 0.0, []
    for _r in range(1, _n + 1):
        _acc += 1.0 / _r
        ZIPF[_n].append(_acc)


def english(rng):
    words = [zipf_choice(rng, EN) for _ in range(rng.randint(5, 25))]
    words[0] = words[0].capitalize()
    s = " ".join(words)
    if rng.random() < 0.3:
        s = s.replace(" ", ", ", 1)
    if rng.random() < 0.2:
        s += " it's " + zipf_choice(rng, EN) + " and they're " + zipf_choice(rng, EN)
    return s + rng.choice([".", ".", ".", "?", "!"]) + " "


def code(rng):
    f, a, b = (rng.choice(IDENT) + rng.choice(["", "_", "2"]) + rng.choice(IDENT).capitalize() for _ in range(3))
    return "\n" + rng.choice(CODE).format(f=f, a=a, b=b)


def chinese(rng):
    return "".join(rng.choice(ZH) for _ in range(rng.randint(8, 40))) + rng.choice(["。", "，", "！", "？"])


def numbers(rng):
    return rng.choice([
        f"{rng.randint(0, 10**9)} ", f"{rng.random() * 1000:.4f} ", f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} ",
        '{"id": %d, "score": %.3f, "tags": ["a", "b"]}\n' % (rng.randint(0, 99999), rng.random()),
    ])


def main():
    out = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 20
    rng = random.Random(7)
    kinds = [(english, 50), (code, 15), (chinese, 14), (lambda r: " ".join(r.choice(RU) for _ in range(8)) + ". ", 5),
             (lambda r: JA[r.randint(0, 20):], 5), (lambda r: " ".join(r.choice(AR) for _ in range(6)) + ". ", 3),
             (numbers, 4), (lambda r: r.choice(EMOJI) + " ", 3),
             (lambda r: "\n<|im_start|>user\n" + english(r) + "<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", 1)]
    funcs = [k for k, _ in kinds]
    weights = [w for _, w in kinds]
    parts, n = [], 0
    while n < size:
        s = rng.choices(funcs, weights)[0](rng)
        if rng.random() < 0.05:
            s += "\n\n"
        parts.append(s)
        n += len(s.encode("utf-8"))
    text = "".join(parts).encode("utf-8")[:size].decode("utf-8", "ignore")
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(text)


if __name__ == "__main__":
    main()
