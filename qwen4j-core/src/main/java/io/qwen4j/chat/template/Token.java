package io.qwen4j.chat.template;

/** A lexer token: template text, a tag delimiter, or a piece of an expression. */
record Token(Kind kind, String text, int line) {
    enum Kind { TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

    boolean is(Kind k, String t) {
        return kind == k && text.equals(t);
    }

    boolean isName(String t) {
        return is(Kind.NAME, t);
    }

    boolean isOp(String t) {
        return is(Kind.OP, t);
    }

    @Override
    public String toString() {
        return kind == Kind.EOF ? "end of template" : "'" + text + "'";
    }
}
