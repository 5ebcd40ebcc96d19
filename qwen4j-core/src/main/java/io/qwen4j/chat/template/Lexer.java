package io.qwen4j.chat.template;

import io.qwen4j.chat.template.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a template into text and tag tokens exactly as Jinja2's {@code Lexer.tokeniter} does with the settings
 * transformers uses ({@code trim_blocks=True, lstrip_blocks=True}): newlines normalised to {@code \n}, one trailing
 * newline dropped, {@code -} strips all whitespace on its side, {@code +} keeps it, lstrip removes the blanks
 * between a line start and a block or comment tag, trim removes the one newline after a block or comment tag.
 */
final class Lexer {
    private static final Pattern RAW_BEGIN =
            Pattern.compile("\\{%([-+]?)\\s*raw\\s*(?:-%}\\s*|%})", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern RAW_END =
            Pattern.compile("\\{%([-+]?)\\s*endraw\\s*(?:\\+%}|-%}\\s*|%}\\n?)", Pattern.UNICODE_CHARACTER_CLASS);
    private static final String[] OPERATORS = {
        "//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}",
        ">", "<", "=", ".", ":", "|", ",", ";"
    };

    private final String src;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    /** Whether the last consumed piece ended with a newline: lstrip also applies to text with no newline then. */
    private boolean lineStarting = true;
    private int lineCountedTo;
    private int linesSoFar = 1;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1); // keep_trailing_newline=False
        var lexer = new Lexer(s);
        lexer.run();
        return lexer.out;
    }

    private void run() {
        int n = src.length();
        while (pos < n) {
            int tag = nextTagStart(pos);
            if (tag < 0) {
                emit(Kind.TEXT, src.substring(pos), pos);
                break;
            }
            String text = src.substring(pos, tag);
            char open = src.charAt(tag + 1);
            int after = tag + 2;
            char sign = after < n && (src.charAt(after) == '-' || src.charAt(after) == '+') ? src.charAt(after) : 0;
            var raw = open == '%' ? RAW_BEGIN.matcher(src).region(tag, n) : null;
            if (raw != null && raw.lookingAt()) {
                emit(Kind.TEXT, strip(text, sign, true), pos);
                lineStarting = src.charAt(raw.end() - 1) == '\n';
                lexRawBody(raw.end());
                continue;
            }
            emit(Kind.TEXT, strip(text, sign, open != '{'), pos);
            pos = sign != 0 ? after + 1 : after;
            lineStarting = false;
            switch (open) {
                case '#' -> lexComment();
                case '%' -> {
                    emit(Kind.BLOCK_BEGIN, "{%", tag);
                    lexTagBody(false);
                }
                default -> {
                    emit(Kind.VAR_BEGIN, "{{", tag);
                    lexTagBody(true);
                }
            }
        }
        out.add(new Token(Kind.EOF, "", lineAt(src.length())));
    }

    private int nextTagStart(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') return i;
        }
        return -1;
    }

    /** Jinja's OptionalLStrip: {@code -} strips all trailing whitespace, lstrip_blocks the blanks after the last newline. */
    private String strip(String text, char sign, boolean blockOrComment) {
        if (sign == '-') return Py.rstrip(text, null);
        if (sign != '+' && blockOrComment) {
            int lineStart = text.lastIndexOf('\n') + 1;
            if ((lineStart > 0 || lineStarting) && Py.isBlank(text, lineStart)) return text.substring(0, lineStart);
        }
        return text;
    }

    private void lexRawBody(int from) {
        var end = RAW_END.matcher(src);
        if (!end.find(from)) throw error("missing end of raw directive", from);
        String body = src.substring(from, end.start());
        String sign = end.group(1);
        emit(Kind.TEXT, strip(body, sign.isEmpty() ? 0 : sign.charAt(0), true), from);
        pos = end.end();
        lineStarting = src.charAt(pos - 1) == '\n';
    }

    private void lexComment() {
        int close = src.indexOf("#}", pos);
        if (close < 0) throw error("missing end of comment tag", pos);
        char sign = close - 1 >= pos ? src.charAt(close - 1) : 0;
        pos = close + 2;
        if (sign == '-') skipWhitespace();
        else if (sign != '+' && pos < src.length() && src.charAt(pos) == '\n') pos++; // trim_blocks
        lineStarting = src.charAt(pos - 1) == '\n';
    }

    private void lexTagBody(boolean variable) {
        var brackets = new ArrayList<Character>();
        int n = src.length();
        while (true) {
            if (pos >= n) throw error("unexpected end of template, expected end of tag", pos);
            if (brackets.isEmpty() && endOfTag(variable)) return;
            char c = src.charAt(pos);
            int start = pos;
            if (Py.isSpace(c)) {
                pos++;
            } else if (isDigit(c)) {
                lexNumber();
            } else if (Character.isLetter(c) || c == '_') {
                while (pos < n && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
                emit(Kind.NAME, src.substring(start, pos), start);
            } else if (c == '\'' || c == '"') {
                lexString(c);
            } else {
                String op = null;
                for (String o : OPERATORS) {
                    if (src.startsWith(o, pos)) {
                        op = o;
                        break;
                    }
                }
                if (op == null) throw error("unexpected char '" + c + "'", pos);
                switch (op) {
                    case "(" -> brackets.add(')');
                    case "[" -> brackets.add(']');
                    case "{" -> brackets.add('}');
                    case ")", "]", "}" -> {
                        if (brackets.isEmpty()) throw error("unexpected '" + op + "'", pos);
                        char expected = brackets.removeLast();
                        if (expected != op.charAt(0)) throw error("unexpected '" + op + "', expected '" + expected + "'", pos);
                    }
                    default -> {}
                }
                pos += op.length();
                emit(Kind.OP, op, start);
            }
        }
    }

    private boolean endOfTag(boolean variable) {
        int start = pos;
        String close = variable ? "}}" : "%}";
        if (!variable && src.startsWith("+" + close, pos)) {
            pos += 3;
        } else if (src.startsWith("-" + close, pos)) {
            pos += 3;
            skipWhitespace();
        } else if (src.startsWith(close, pos)) {
            pos += 2;
            if (!variable && pos < src.length() && src.charAt(pos) == '\n') pos++; // trim_blocks
        } else {
            return false;
        }
        emit(variable ? Kind.VAR_END : Kind.BLOCK_END, close, start);
        lineStarting = src.charAt(pos - 1) == '\n';
        return true;
    }

    private void skipWhitespace() {
        while (pos < src.length() && Py.isSpace(src.charAt(pos))) pos++;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private int digits(int p) {
        // (\d+_)*\d+
        int n = src.length();
        if (p >= n || !isDigit(src.charAt(p))) return -1;
        while (p < n && isDigit(src.charAt(p))) {
            p++;
            if (p + 1 < n && src.charAt(p) == '_' && isDigit(src.charAt(p + 1))) p++;
        }
        return p;
    }

    private void lexNumber() {
        int start = pos;
        int end = digits(pos);
        boolean isFloat = false;
        boolean afterDot = start > 0 && src.charAt(start - 1) == '.'; // Jinja: (?<!\.) keeps foo.0.1 as items
        if (!afterDot) {
            int p = end;
            if (p < src.length() && src.charAt(p) == '.') {
                int f = digits(p + 1);
                if (f > 0) {
                    p = f;
                    isFloat = true;
                }
            }
            if (p < src.length() && (src.charAt(p) == 'e' || src.charAt(p) == 'E')) {
                int q = p + 1;
                if (q < src.length() && (src.charAt(q) == '+' || src.charAt(q) == '-')) q++;
                int e = digits(q);
                if (e > 0) {
                    p = e;
                    isFloat = true;
                }
            }
            if (isFloat) end = p;
        }
        pos = end;
        emit(isFloat ? Kind.FLOAT : Kind.INT, src.substring(start, end).replace("_", ""), start);
    }

    private void lexString(char quote) {
        int start = pos;
        int p = pos + 1;
        while (p < src.length() && src.charAt(p) != quote) p += src.charAt(p) == '\\' ? 2 : 1;
        if (p >= src.length()) throw error("unexpected end of string", start);
        pos = p + 1;
        emit(Kind.STRING, Py.unescape(src.substring(start + 1, p)), start);
    }

    private void emit(Kind kind, String text, int at) {
        if (kind == Kind.TEXT && text.isEmpty()) return;
        out.add(new Token(kind, text, lineAt(at)));
    }

    private int lineAt(int p) {
        for (; lineCountedTo < p && lineCountedTo < src.length(); lineCountedTo++) {
            if (src.charAt(lineCountedTo) == '\n') linesSoFar++;
        }
        return linesSoFar; // tokens are emitted in order, so counting forward once is enough
    }

    private TemplateException error(String what, int at) {
        return new TemplateException(what + " (template line " + lineAt(at) + ")");
    }
}
