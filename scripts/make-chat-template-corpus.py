#!/usr/bin/env python3
"""Builds the chat-template test corpus of qwen4j-core and its expected outputs.

Two parts, both rendered by the reference: Python Jinja2 set up exactly as transformers' apply_chat_template
(the oracle render_hf.py of the Qwen tokenizer reference data):
  * cases.json    -> expected.json: real Qwen chat templates x conversations x flags, through render_hf.py itself
  * snippets.json -> snippets-expected.json: small templates that pin down Jinja/Python semantics

usage: QWEN4J_TOKDATA=<tokdata dir> scripts/make-chat-template-corpus.py
"""
import copy
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "qwen4j-core", "src", "test", "resources", "chat-templates")
TOKDATA = os.environ.get("QWEN4J_TOKDATA")
if not TOKDATA:
    sys.exit("set QWEN4J_TOKDATA to the tokenizer reference data folder (with oracle/render_hf.py)")

TEMPLATES = {  # our name -> source in the reference data
    "qwen2_5": "qwen2_5/chat_template.jinja",
    "qwen3": "qwen3/chat_template.jinja",
    "qwen3_5": "qwen3_5/chat_template.jinja",
    "qwq": "llamacpp/Qwen-QwQ-32B.jinja",
    "qwen3_coder": "llamacpp/Qwen3-Coder.jinja",
}
# Templates not in the reference data, by their text. qwen1_5: Qwen1.5's ChatML with a default system message, the
# tokenizer.chat_template of llama.cpp's models/ggml-vocab-qwen2.gguf, which convert_hf_to_gguf_update.py makes from
# Hugging Face Qwen/Qwen1.5-7B (so it is that repository's tokenizer_config.json chat_template, byte for byte).
INLINE_TEMPLATES = {
    "qwen1_5": "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
               "{{ '<|im_start|>system\nYou are a helpful assistant<|im_end|>\n' }}{% endif %}"
               "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
               "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}",
}

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Get the current weather in a city. ",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name, e.g. 'Zürich' or \"東京\""},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
        "days": {"type": "integer", "minimum": 1, "maximum": 14}},
        "required": ["city"]}}}
SEARCH = {"type": "function", "function": {
    "name": "search", "description": "Search the web.",
    "parameters": {"type": "object", "properties": {
        "query": {"type": "string"},
        "filters": {"type": "object", "properties": {"lang": {"type": "string"}, "safe": {"type": "boolean"}},
                    "additionalProperties": False},
        "limit": {"type": "number", "multipleOf": 0.5, "exclusiveMinimum": 0.0},
        "tags": {"type": "array", "items": {"type": "string"}, "nullable": True, "example": None}},
        "required": ["query"]}}}
BARE = {"type": "function", "function": {"name": "now", "parameters": {}}}
PLAIN = {"name": "calc", "description": "Evaluate\tan \"expression\" \\ safely", "parameters": {
    "type": "object", "properties": {"expr": {"type": "string", "description": "e.g. 2**10 // 3"}}}}

U = lambda c: {"role": "user", "content": c}
A = lambda c: {"role": "assistant", "content": c}
S = lambda c: {"role": "system", "content": c}
T = lambda c, i=None: {"role": "tool", "content": c, **({"tool_call_id": i} if i else {})}


def call(name, args, id_=None):
    c = {"type": "function", "function": {"name": name, "arguments": args}}
    if id_:
        c["id"] = id_
    return c


CONVERSATIONS = {
    "single_user": dict(messages=[U("Hello!")]),
    "system_user": dict(messages=[S("You are a terse assistant."), U("What is 2+2?")]),
    "multi_turn": dict(messages=[S("Be kind."), U("Hi"), A("Hello! How can I help?"), U("Tell me a joke.")]),
    "multi_turn_no_system": dict(messages=[U("Hi"), A("Hello."), U("Bye"), A("Goodbye."), U("Wait")]),
    "think_inline_history": dict(messages=[U("2+2?"), A("<think>\nsimple sum\n</think>\n\n4"), U("times 3?")]),
    "think_inline_last": dict(messages=[U("2+2?"), A("<think>\nsimple sum\n</think>\n\n4")]),
    "reasoning_field_history": dict(messages=[
        U("Capital of France?"), {"role": "assistant", "content": "Paris.", "reasoning_content": "\nEasy: Paris.\n"},
        U("And of Italy?")]),
    "reasoning_field_last": dict(messages=[
        U("Capital of France?"), {"role": "assistant", "content": "\nParis.", "reasoning_content": "Easy: Paris."}]),
    "reasoning_none": dict(messages=[U("Hi"), {"role": "assistant", "content": "Hey", "reasoning_content": None}, U("Yo")]),
    "tools_no_calls": dict(messages=[U("What's the weather like?")], tools=[WEATHER, SEARCH]),
    "tools_with_system": dict(messages=[S("You can check the weather."), U("Weather in Paris?")], tools=[WEATHER]),
    "tool_call_dict_args": dict(messages=[
        U("Weather in Zürich?"),
        {"role": "assistant", "content": "", "tool_calls": [call("get_weather", {"city": "Zürich", "days": 3}, "c1")]},
        T('{"temp": 21.5, "sky": "sunny ☀"}', "c1"),
        A("It is 21.5 °C and sunny.")], tools=[WEATHER]),
    "tool_call_string_args": dict(messages=[
        U("Weather in Oslo?"),
        {"role": "assistant", "content": None,
         "tool_calls": [call("get_weather", '{"city": "Oslo", "unit": "celsius"}')]},
        T("-3 degrees")], tools=[WEATHER]),
    "tool_call_with_text_and_reasoning": dict(messages=[
        U("Find news about Java 25 and the weather in Rome"),
        {"role": "assistant", "content": "Let me look both up.", "reasoning_content": "Two tools needed.",
         "tool_calls": [call("search", {"query": "Java 25", "filters": {"lang": "en", "safe": True}, "limit": 2.5,
                                        "tags": ["jdk", "release"]}),
                        call("get_weather", {"city": "Rome", "days": None})]},
        T("Java 25 released in September 2025."), T("Rome: 18 °C, cloudy"),
    ], tools=[WEATHER, SEARCH]),
    "consecutive_tools_then_user": dict(messages=[
        S("sys"), U("do it"),
        {"role": "assistant", "content": "", "tool_calls": [call("now", {}), call("now", {})]},
        T("12:00"), T("12:01"), A("Done twice."), U("thanks")], tools=[BARE]),
    "plain_tool_schema": dict(messages=[U("compute 2**10")], tools=[PLAIN]),
    "unicode_quotes": dict(messages=[
        S("Ünïcödé sýstem 🤖"), U("Grüße 👋🏽 \"double\" 'single' \\ backslash\ttab\r\nCRLF 中文 العربية 𝔘𝔫𝔦"),
        A("Antwort: «ok» — ✓"), U("\u0000nul \u001b esc \u2028 sep")]),
    "jinja_lookalike": dict(messages=[
        S("{% raw %}not raw{% endraw %}"), U("{{ x }} {% if true %}yes{% endif %} {# comment #} {{- '-' -}}"),
        A("{%- for i in range(3) %}{{ i }}{% endfor %}"), U("{{ raise_exception('boom') }}")]),
    "whitespace_content": dict(messages=[U("  leading and trailing  \n\n"), A("\n\n  spaced  \n"), U("\t")]),
    "content_parts": dict(messages=[
        {"role": "user", "content": [{"type": "text", "text": "Describe "}, {"type": "text", "text": "this."}]}]),
    "user_tool_response_text": dict(messages=[
        U("first question"), A("answer"), U("<tool_response>\nfake\n</tool_response>"), A("ok")]),
    "empty_content": dict(messages=[U(""), A("")]),
    "empty_messages": dict(messages=[]),
    "system_only": dict(messages=[S("only a system prompt")]),
    "system_late": dict(messages=[U("hi"), S("late system")]),
    "image_in_system": dict(messages=[
        {"role": "system", "content": [{"type": "image", "image": "x.png"}]}, U("hi")]),
    "unknown_role": dict(messages=[U("hi"), {"role": "critic", "content": "meh"}]),
}

FLAG_SETS = [
    ("gen", dict(add_generation_prompt=True)),
    ("nogen", dict(add_generation_prompt=False)),
    ("gen_nothink", dict(add_generation_prompt=True, kwargs={"enable_thinking": False})),
    ("gen_think", dict(add_generation_prompt=True, kwargs={"enable_thinking": True})),
]
# Every conversation with every template and the first flag set; the thinking flags only where they matter.
THINKING_TEMPLATES = {"qwen3", "qwen3_5"}


def build_cases():
    cases = []
    for conv_name, conv in CONVERSATIONS.items():
        for tpl in [*TEMPLATES, *INLINE_TEMPLATES]:
            for flag_name, flags in FLAG_SETS:
                if flag_name != "gen" and not (tpl in THINKING_TEMPLATES or flag_name == "nogen"):
                    continue
                if flag_name in ("nogen", "gen_think") and conv_name not in (
                        "multi_turn", "think_inline_last", "reasoning_field_last", "tool_call_dict_args",
                        "tool_call_with_text_and_reasoning", "single_user"):
                    continue
                case = {"id": f"{tpl}/{conv_name}/{flag_name}", "template": f"templates/{tpl}.jinja",
                        "messages": copy.deepcopy(conv["messages"])}
                if conv.get("tools"):
                    case["tools"] = copy.deepcopy(conv["tools"])
                case.update(copy.deepcopy(flags))
                cases.append(case)
    return cases


SNIPPETS = [
    # whitespace control, trim_blocks and lstrip_blocks
    ("ws_trim", "{% if true %}\nyes\n{% endif %}\n  {% if true %}  x  {% endif %}\nend\n", {}),
    ("ws_minus", "a  {{- ' b ' -}}  c\n  {%- if true -%}  d  {%- endif -%}  e", {}),
    ("ws_plus", "  {%+ if true %}x{% endif +%}\ny", {}),
    ("ws_comment", "a\n  {# c #}\nb {#- c -#} c", {}),
    ("ws_raw", "  {% raw %}{{ not evaluated }}{% if %}{% endraw %}\nafter", {}),
    ("ws_var_no_trim", "{{ 'a' }}\n{{ 'b' }}\n", {}),
    ("ws_crlf", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n", {}),
    # None, undefined, printing
    ("print_values", "{{ none }}|{{ true }}|{{ false }}|{{ 1 }}|{{ 1.0 }}|{{ 0.1 + 0.2 }}|{{ 1e16 }}|{{ 1.5e-5 }}|{{ [1, 'a', none, true] }}|{{ {'k': 'v', 'n': none} }}|{{ (1,) }}|{{ missing }}|", {}),
    ("undefined_ops", "{{ missing is defined }}|{{ missing is undefined }}|{{ missing | default('d') }}|{{ none | default('d') }}|{{ '' | default('e', true) }}|{{ missing | length }}|{{ missing ~ 'x' }}|{% for x in missing %}never{% else %}empty{% endfor %}", {}),
    ("none_vs_undefined", "{{ v is none }}|{{ v is defined }}|{{ v }}|{{ d.missing is defined }}|{{ d.missing }}|{{ d.k }}", {"v": None, "d": {"k": None}}),
    ("undefined_attribute_error", "{{ missing.attr }}", {}),
    ("none_attribute", "{{ v.attr }}|{{ v.attr is defined }}", {"v": None}),
    # arithmetic
    ("arith", "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 6 / 3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ 1 + 2.0 }} {{ true + 1 }} {{ 'ab' * 3 }} {{ [1] * 2 }} {{ 10 - 2 * 3 }}", {}),
    ("concat", "{{ 'a' ~ 1 ~ none ~ true ~ missing ~ 1.0 }}", {}),
    ("str_plus_int_error", "{{ 'a' + 1 }}", {}),
    ("comparisons", "{{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'ab' in 'cabd' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} {{ none == none }} {{ missing == missing }} {{ [1] == (1,) }}", {}),
    ("logic", "{{ 0 or 'x' }}|{{ 'a' and 'b' }}|{{ '' and 'b' }}|{{ not 0 }}|{{ none or [] }}|{{ 'y' if 0 else 'n' }}|{{ 'y' if 1 }}|{{ 'z' if 0 }}|", {}),
    # slices and indexing
    ("slices", "{{ s[::-1] }}|{{ s[1:3] }}|{{ s[-2:] }}|{{ s[:-2] }}|{{ s[::2] }}|{{ l[::-1] }}|{{ l[-1] }}|{{ l[1:] }}|{{ l[5:9] }}|{{ s[-1] }}|{{ l[10] }}|{{ s[100] }}|", {"s": "héllo👋x", "l": [1, 2, 3, 4]}),
    ("attr_vs_item", "{{ d.items is callable }}|{{ d['items'] }}|{{ d.get('k') }}|{{ d.get('nope', 'dflt') }}|{{ d.keys() | list }}|{{ d.values() | list }}|{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", {"d": {"k": "v", "items": "ITEMS"}}),
    ("dotted_index", "{{ l.0 }}|{{ l.1.a }}", {"l": ["zero", {"a": "A"}]}),
    # string methods
    ("str_methods", "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ s.strip(' \\nx') }}|{{ s.split() }}|{{ 'a,b,,c'.split(',') }}|{{ 'a,b,c'.split(',', 1) }}|{{ 'a b c'.rsplit(' ', 1) }}|{{ s.upper() }}|{{ s.lower() }}|{{ 'hello wORLD it\\'s'.title() }}|{{ 'x'.startswith('x') }}|{{ 'xyz'.endswith(('a', 'z')) }}|{{ 'aXbXc'.replace('X', '-') }}|{{ 'aXbXc'.replace('X', '-', 1) }}|{{ '{} and {}'.format(1, 'b') }}|{{ 'abcabc'.find('c') }}|{{ 'abc'.count('b') }}|{{ '-'.join(['a', 'b']) }}|{{ 'Hello'.capitalize() }}|{{ '12'.isdigit() }}", {"s": "  x Hello World x \n"}),
    ("str_methods_unicode", "{{ s|length }}|{{ s.upper() }}|{{ s[1] }}|{{ s.split('👋') }}|{{ s|reverse }}", {"s": "aß👋é"}),
    # filters
    ("filters_lists", "{{ l|length }}|{{ l|first }}|{{ l|last }}|{{ l|join(', ') }}|{{ l|reverse|list }}|{{ l|sort }}|{{ l|sort(reverse=true) }}|{{ l|unique|list }}|{{ l|min }}|{{ l|max }}|{{ l|sum }}|{{ l|select('odd')|list }}|{{ l|reject('odd')|list }}|{{ l|map('string')|join }}|{{ l|count }}|{{ [] | first }}|", {"l": [3, 1, 2, 3]}),
    ("filters_attrs", "{{ people|map(attribute='name')|join('/') }}|{{ people|selectattr('admin')|map(attribute='name')|list }}|{{ people|rejectattr('admin')|map(attribute='name')|list }}|{{ people|selectattr('age', 'gt', 30)|map(attribute='name')|list }}|{{ people|sort(attribute='age')|map(attribute='name')|list }}|{{ people|map(attribute='nick', default='-')|list }}|{{ people|selectattr('name', 'equalto', 'Bo')|list|length }}", {"people": [{"name": "Al", "age": 40, "admin": True}, {"name": "Bo", "age": 25, "admin": False}, {"name": "Cy", "age": 31, "admin": False, "nick": "C"}]}),
    ("filters_strings", "{{ '  x  '|trim }}|{{ 'xxhixx'|trim('x') }}|{{ 'Hi'|upper }}|{{ 'Hi'|lower }}|{{ 'hello world-wide (x)'|title }}|{{ 'hi'|capitalize }}|{{ 'a-b'|replace('-', '+') }}|{{ '<a href=\"x\">&</a>'|e }}|{{ 'one two  three'|wordcount }}|{{ '%s=%d (%.2f) %5s|%-4s|%03d'|format('k', 3, 2.5, 'r', 'l', 7) }}|{{ 'x=%s' % 4 }}|{{ '%s-%s' % (1, 2) }}", {}),
    ("filters_numbers", "{{ '42'|int }}|{{ '4.7'|int }}|{{ 'x'|int }}|{{ 'x'|int(7) }}|{{ 3.9|int }}|{{ '2.5'|float }}|{{ 'y'|float }}|{{ 2|float }}|{{ -3|abs }}|{{ 2.675|round(2) }}|{{ 2.5|round }}|{{ 3.14159|round(2, 'floor') }}|{{ true|int }}|{{ 7|string }}|{{ none|string }}|{{ true|string }}|{{ 1.0|string }}", {}),
    ("filters_dict", "{{ d|items|list }}|{{ d|dictsort }}|{{ d|dictsort(by='value', reverse=true) }}|{{ d|list }}|{{ d|length }}|{% for k, v in d|items %}{{ k }}:{{ v }},{% endfor %}", {"d": {"b": 2, "a": 3, "C": 1}}),
    ("filter_indent", "{{ s|indent }}|{{ s|indent(2, true) }}|{{ s|indent('> ', first=true, blank=true) }}|", {"s": "a\n\nb\nc\n"}),
    ("tojson", "{{ v|tojson }}|{{ v|tojson(indent=2) }}|{{ v|tojson(sort_keys=true) }}|{{ 'é\"\\\\\\n\\u0001</script>'|tojson }}|{{ none|tojson }}|{{ 1.0|tojson }}|{{ 1e100|tojson }}|{{ [] |tojson }}|{{ {}|tojson }}|{{ (1, 2)|tojson }}", {"v": {"z": [1, 2.5, True, None, "ü"], "a": {"nested": {}}, "e": []}}),
    ("tojson_undefined_error", "{{ missing|tojson }}", {}),
    # tests
    ("tests", "{{ 's' is string }} {{ 1 is number }} {{ 1.5 is number }} {{ true is number }} {{ 1 is integer }} {{ 1.0 is float }} {{ true is boolean }} {{ {} is mapping }} {{ [] is mapping }} {{ [] is iterable }} {{ 's' is iterable }} {{ {} is iterable }} {{ 1 is iterable }} {{ 's' is sequence }} {{ {} is sequence }} {{ none is none }} {{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }} {{ 4 is divisibleby 2 }} {{ 3 is odd }} {{ 3 is even }} {{ 'ab' is lower }} {{ 2 is in [1, 2] }} {{ 1 is eq 1 }} {{ 2 is gt 1 }} {{ none is sameas none }} {{ range is callable }} {{ 'x' is not string }} {{ missing is not defined }}", {}),
    # statements
    ("loop_vars", "{% for x in l %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}[{{ loop.previtem }}|{{ loop.nextitem }}]{{ loop.cycle('o', 'e') }};{% endfor %}", {"l": ["a", "b", "c"]}),
    ("loop_filter_else", "{% for x in l if x > 1 %}{{ x }}/{{ loop.length }}{% if not loop.last %},{% endif %}{% else %}none{% endfor %}|{% for x in [] %}x{% else %}empty{% endfor %}|{% for x in l if x > 9 %}x{% else %}filtered-empty{% endfor %}", {"l": [1, 2, 3]}),
    ("loop_controls", "{% for x in range(10) %}{% if x is odd %}{% continue %}{% endif %}{% if x > 6 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("loop_dict_and_string", "{% for k in d %}{{ k }}{% endfor %}|{% for c in 'héy' %}[{{ c }}]{% endfor %}|{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }}{% endfor %}", {"d": {"x": 1, "y": 2}}),
    ("scoping", "{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + i %}{{ x }}{% endfor %}|{{ x }}|{% if true %}{% set y = 5 %}{% endif %}{{ y }}|{% set ns = namespace(total=0) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}", {}),
    ("loop_set_persists", "{% for i in [1, 2, 3] %}{% if loop.first %}{% set seen = 'first' %}{% endif %}{{ seen }};{% endfor %}", {}),
    ("set_block_and_tuple", "{% set a, b = 1, 2 %}{{ a }}{{ b }}|{% set block %}  inner {{ a }}  {% endset %}[{{ block }}]|{% set t | trim | upper %}  shout  {% endset %}[{{ t }}]", {}),
    ("macros", "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('Al') }} {{ greet('Bo', punct='?') }} {{ greet() }}|{% macro outer() %}[{{ caller() }}]{% endmacro %}{% call outer() %}called{% endcall %}|{% macro args() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ args(1, 2, k=3) }}", {}),
    ("macro_sees_globals", "{% set g = 'G' %}{% macro m() %}{{ g }}{{ v }}{% endmacro %}{{ m() }}", {"v": "V"}),
    ("filter_block", "{% filter upper %}shout {{ 'it' }}{% endfilter %}|{% filter trim | replace('a', 'b') %}  aaa  {% endfilter %}", {}),
    ("with_block", "{% with a = 1, b = 'x' %}{{ a }}{{ b }}{% endwith %}{{ a }}", {}),
    ("literals", "{{ 'it\\'s' }}|{{ \"say \\\"hi\\\"\" }}|{{ 'tab\\there' }}|{{ '\\u00e9\\x41\\N{BLACK STAR}' }}|{{ 'a' 'b' }}|{{ 1_000 }}|{{ [1, 2,] }}|{{ {'a': 1,} }}|{{ () }}|{{ 'unknown \\q escape' }}", {}),
    ("raise", "{% if true %}{{ raise_exception('Custom failure: ' ~ 42) }}{% endif %}", {}),
    ("user_data_not_template", "{{ s }}|{{ s|trim }}|{{ [s]|tojson }}", {"s": "{{ 7 * 7 }} {% if true %}x{% endif %} {# c #}"}),
    ("sandbox_no_mutation", "{% set l = [1] %}{{ l.append(2) }}", {}),
    ("syntax_error", "{% if x %}unclosed", {}),
    ("unknown_filter", "{{ 1|nosuchfilter }}", {}),
    ("namespace_kwargs", "{% set ns = namespace(a=1, b='x') %}{{ ns.a }}{{ ns.b }}{{ ns.c is defined }}", {}),
    ("generators_are_true_and_single_use", "{% set sys = messages|selectattr('role', 'equalto', 'system') %}{{ 'yes' if sys else 'no' }}|{{ sys is iterable }}|{{ sys is sequence }}|{% set us = messages|selectattr('role', 'equalto', 'user') %}{% for m in us %}once{% endfor %}|{% for m in us %}again{% endfor %}|{{ messages|selectattr('role', 'equalto', 'user')|list|length }}|{{ messages|map(attribute='role')|join(',') }}|{% for m in messages|reverse %}{{ m.role }}{% endfor %}|{{ messages|map(attribute='role')|first }}|{{ 'system' in messages|map(attribute='role') }}", {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}),
    ("generator_has_no_length", "{{ [1, 2]|select|length }}", {}),
    ("elif_chain_and_nested_loops", "{% for i in range(4) %}{% if i == 0 %}zero{% elif i == 1 %}one{% elif i is even %}even{% else %}odd{% endif %}{% for j in range(i) %}{{ loop.index }}{{ loop.depth }}{% endfor %};{% endfor %}", {}),
    ("macro_caller_args", "{% macro list_items(items) %}{% for it in items %}{{ caller(it, loop.index) }}{% endfor %}{% endmacro %}{% call(item, n) list_items(['a', 'b']) %}<{{ n }}:{{ item|upper }}>{% endcall %}", {}),
    ("message_shapes", "{% for m in messages %}{{ m.role }}:{{ m['content'] is string }}:{{ m.content is none }}:{{ m.tool_calls is defined }}:{{ (m.tool_calls or [])|length }}|{% endfor %}", {"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": None, "tool_calls": [{"type": "function"}]}, {"role": "tool", "content": [{"type": "text", "text": "t"}]}]}),
    ("percent_and_format_misc", "{{ '%(a)s-%(b)05.1f'|format(a='x', b=3.14159) }}|{{ '%x %o %c %r %%'|format(255, 8, 65, 'q') }}|{{ '%s'|format(none) }}|{{ '%-6s|'|format('ab') }}|{{ '%+d'|format(5) }}", {}),
    ("dict_global_and_literals", "{{ dict(a=1, b=2) }}|{{ {'x': [1, {'y': none}]}['x'][1]['y'] }}|{{ range(3)|list }}|{{ range(1, 10, 3)|list }}", {}),
]


# Random expressions over a few variables: a differential check of operators, filters, tests and methods.
EXPR_VARS = {"s": "héllo wörld 👋", "n": None, "l": [3, 1, 2], "d": {"b": 2, "a": "x"}, "f": 1.5}
EXPR_LITERALS = ["1", "0", "-3", "2.5", "0.1", "1e3", "'ab'", "''", "'Ü x'", "none", "true", "false", "[1, 2, 3]", "[]",
                 "['b', 'a']", "{'k': 1, 'j': [2]}", "{}", "(1, 'x')", "s", "n", "l", "d", "u", "f"]
EXPR_BINARY = ["+", "-", "*", "/", "//", "%", "**", "~", "==", "!=", "<", ">", "<=", ">=", "in", "not in", "and", "or"]
EXPR_FILTERS = ["length", "first", "last", "join", "join(',')", "list", "reverse|list", "sort|list", "unique|list",
                "default('D')", "default('D', true)", "trim", "upper", "lower", "title", "capitalize", "int", "float",
                "string", "tojson", "abs", "round", "round(1)", "sum", "min", "max", "items|list", "dictsort",
                "select|list", "reject|list", "map('string')|list", "indent(2)", "replace('a', 'Z')", "count",
                "wordcount"]  # no escape or safe: their Markup strings print as Markup(...) inside lists
EXPR_TESTS = ["defined", "undefined", "none", "string", "number", "integer", "float", "mapping", "iterable", "sequence",
              "true", "false", "boolean", "odd", "even", "divisibleby(2)", "eq(1)", "in([1, 'ab'])", "callable", "lower", "upper"]
EXPR_METHODS = ["split()", "split('b')", "strip()", "strip('a')", "startswith('a')", "endswith('b')", "upper()", "lower()",
                "replace('a', 'x')", "title()", "find('b')", "count('a')", "lstrip()", "rstrip()", "keys()|list",
                "values()|list", "items()|list", "get('k')", "get('z', 0)"]


def random_expression(rnd, depth=0):
    r = rnd.random()
    sub = lambda: random_expression(rnd, depth + 1)
    if depth > 2 or r < 0.3:
        return rnd.choice(EXPR_LITERALS)
    if r < 0.5:
        return f"({sub()} {rnd.choice(EXPR_BINARY)} {sub()})"
    if r < 0.65:
        return f"({sub()}|{rnd.choice(EXPR_FILTERS)})"
    if r < 0.75:
        return f"({sub()} is {rnd.choice(['', 'not '])}{rnd.choice(EXPR_TESTS)})"
    if r < 0.85:
        return f"{sub()}.{rnd.choice(EXPR_METHODS)}"
    if r < 0.9:
        return f"({sub()} if {sub()} else {sub()})"
    if r < 0.95:  # slices only of variables: Jinja folds constant slices of literals in a way of its own
        return rnd.choice(["s", "l", "(l|list)"]) + "[" + rnd.choice(["0", "-1", "1:", "::-1", ":2", "-2:"]) + "]"
    return f"(not {sub()})"


def expression_cases(render_hf, count=3000, seed=20261129):
    import random
    import warnings
    warnings.simplefilter("ignore")  # Python's own SyntaxWarnings about code Jinja generates
    rnd = random.Random(seed)
    cases = []
    for _ in range(count):
        source = "{{ " + random_expression(rnd) + " }}"
        o = {"source": source}
        try:
            o["rendered"] = render_hf.compile_template(source).render(
                messages=[], tools=None, documents=None, add_generation_prompt=False, **copy.deepcopy(EXPR_VARS))
        except Exception as e:  # noqa: BLE001
            o["error"] = f"{type(e).__name__}: {e}"
        cases.append(o)
    return {"vars": EXPR_VARS, "cases": cases}


# Random nestings of statements with random blanks and whitespace control: a differential check of the lexer's
# trim_blocks / lstrip_blocks / "-" / "+" handling and of block scoping.
STMT_BLANKS = ["", " ", "  ", "\n", "\n  ", "  \n", "\t", "\n\n", " \n \n  ", "x", "a b\n"]


def random_statements(rnd, depth=0):
    blank = lambda: rnd.choice(STMT_BLANKS)
    bo = lambda: "{%" + rnd.choice(["", "-", "+"]) + " "
    bc = lambda: " " + rnd.choice(["", "-", "+"]) + "%}"
    vo = lambda: "{{" + rnd.choice(["", "-"]) + " "
    vc = lambda: " " + rnd.choice(["", "-"]) + "}}"
    sub = lambda: random_statements(rnd, depth + 1)
    r = rnd.random()
    if depth > 2 or r < 0.3:
        return blank() + vo() + rnd.choice(["x", "loop.index if loop is defined else 'L'", "'t'", "i"]) + vc() + blank()
    if r < 0.45:
        return (blank() + bo() + "if " + rnd.choice(["x", "not x", "i is odd"]) + bc() + sub() + bo()
                + rnd.choice(["else", "elif x"]) + bc() + sub() + bo() + "endif" + bc() + blank())
    if r < 0.6:
        return (blank() + bo() + "for i in " + rnd.choice(["[1, 2]", "[]", "range(3)"]) + rnd.choice(["", " if i"]) + bc()
                + sub() + rnd.choice(["", bo() + "else" + bc() + sub()]) + bo() + "endfor" + bc() + blank())
    if r < 0.7:
        return blank() + "{#" + rnd.choice(["", "-", "+"]) + " c " + rnd.choice(["", "-", "+"]) + "#}" + blank()
    if r < 0.78:
        return blank() + bo() + "set y = " + rnd.choice(["1", "'s'"]) + bc() + blank() + vo() + "y" + vc()
    if r < 0.85:
        return blank() + bo() + "raw" + bc() + blank() + "{{ r }}" + blank() + bo() + "endraw" + bc() + blank()
    if r < 0.92:
        return blank() + bo() + "macro m(a)" + bc() + sub() + bo() + "endmacro" + bc() + blank() + vo() + "m(1)" + vc()
    return sub() + sub()


def statement_cases(render_hf, count=1500, seed=20261130):
    import random
    rnd = random.Random(seed)
    cases = []
    for _ in range(count):
        source = random_statements(rnd) + rnd.choice(["", "\n", "\n\n"])
        o = {"source": source}
        try:
            o["rendered"] = render_hf.compile_template(source).render(
                messages=[], tools=None, documents=None, add_generation_prompt=False, x=True)
        except Exception as e:  # noqa: BLE001
            o["error"] = f"{type(e).__name__}: {e}"
        cases.append(o)
    return {"vars": {"x": True}, "cases": cases}


def main():
    tpl_dir = os.path.join(OUT, "templates")
    os.makedirs(tpl_dir, exist_ok=True)
    for name, src in TEMPLATES.items():
        shutil.copyfile(os.path.join(TOKDATA, src), os.path.join(tpl_dir, f"{name}.jinja"))
    for name, text in INLINE_TEMPLATES.items():
        with open(os.path.join(tpl_dir, f"{name}.jinja"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    cases_path = os.path.join(OUT, "cases.json")
    with open(cases_path, "w", encoding="utf-8") as f:
        json.dump({"cases": build_cases()}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    oracle = os.path.join(TOKDATA, "oracle", "render_hf.py")
    expected = subprocess.run([sys.executable, oracle, cases_path], check=True, capture_output=True, text=True).stdout
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        f.write(expected)

    sys.path.insert(0, os.path.dirname(oracle))
    import render_hf
    snippets, results = [], []
    for sid, source, variables in SNIPPETS:
        snippets.append({"id": sid, "source": source, "vars": variables})
        o = {"id": sid}
        try:
            rest = {k: v for k, v in variables.items() if k != "messages"}
            o["rendered"] = render_hf.compile_template(source).render(
                messages=variables.get("messages", []), tools=None, documents=None, add_generation_prompt=False, **rest)
        except Exception as e:  # noqa: BLE001 -- the oracle's verdict, whatever it is
            o["error"] = str(e) if isinstance(e, render_hf.jinja2.exceptions.TemplateError) else f"{type(e).__name__}: {e}"
        results.append(o)
    with open(os.path.join(OUT, "snippets.json"), "w", encoding="utf-8") as f:
        json.dump({"snippets": snippets}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "snippets-expected.json"), "w", encoding="utf-8") as f:
        json.dump({"engine": expected.split('"engine": "')[1].split('"')[0], "snippets": results}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "expressions.json"), "w", encoding="utf-8") as f:
        json.dump(expression_cases(render_hf), f, ensure_ascii=False, indent=0)
        f.write("\n")
    with open(os.path.join(OUT, "statements.json"), "w", encoding="utf-8") as f:
        json.dump(statement_cases(render_hf), f, ensure_ascii=False, indent=0)
        f.write("\n")
    n_err = expected.count('"error"')
    print(f"{len(build_cases())} template cases ({n_err} errors), {len(SNIPPETS)} snippets", file=sys.stderr)


if __name__ == "__main__":
    main()
