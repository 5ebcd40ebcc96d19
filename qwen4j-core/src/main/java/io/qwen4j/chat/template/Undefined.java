package io.qwen4j.chat.template;

/**
 * Jinja2's default {@code Undefined}: a missing variable, key or attribute. It prints as nothing, is false, has
 * length 0 and iterates as empty; any other use (attribute, call, arithmetic) fails with {@code reason}.
 * It is distinct from Python's None, which prints "None".
 */
record Undefined(String reason) {
    static Undefined name(String name) {
        return new Undefined("'" + name + "' is undefined");
    }

    /** Jinja's message: {@code 'dict object' has no attribute 'x'}, {@code 'None' has no attribute 'x'}. */
    static Undefined attribute(Object owner, Object attr) {
        String what = owner == null ? "None" : Py.typeName(owner) + " object";
        return new Undefined(attr instanceof String ? "'" + what + "' has no attribute " + Py.repr(attr)
                : what + " has no element " + Py.repr(attr));
    }

    TemplateException fail() {
        return new TemplateException(reason);
    }

    @Override
    public String toString() {
        return "";
    }
}
