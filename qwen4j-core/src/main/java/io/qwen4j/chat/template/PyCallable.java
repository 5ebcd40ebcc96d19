package io.qwen4j.chat.template;

import java.util.List;
import java.util.Map;

/** Something a template can call: a macro, {@code caller}, a global function, a bound method. */
@FunctionalInterface
interface PyCallable {
    Object call(List<Object> args, Map<String, Object> kwargs);
}
