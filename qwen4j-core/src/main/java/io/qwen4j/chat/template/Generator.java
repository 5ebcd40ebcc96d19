package io.qwen4j.chat.template;

import java.util.ArrayList;
import java.util.List;

/**
 * What Jinja's map, select, reject, selectattr, rejectattr, unique, batch and items filters return: a Python
 * generator. It is always true (even when empty), has no length, and can be iterated once; templates turn it into
 * a list with {@code |list}. Its items are computed eagerly here, which no template can observe.
 */
final class Generator {
    private final String name;
    private List<Object> items;

    Generator(String name, List<Object> items) {
        this.name = name;
        this.items = items;
    }

    /** The items not yet consumed; a generator yields them only once. */
    List<Object> consume() {
        List<Object> rest = items;
        items = new ArrayList<>();
        return new ArrayList<>(rest);
    }

    @Override
    public String toString() {
        return "<generator object " + name + ">";
    }
}
