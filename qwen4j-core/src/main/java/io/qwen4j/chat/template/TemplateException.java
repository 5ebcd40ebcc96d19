package io.qwen4j.chat.template;

/**
 * A chat template that cannot be parsed or rendered: the message names what went wrong and the template line.
 * Python Jinja2 raises {@code TemplateSyntaxError}, {@code UndefinedError} or a plain {@code TypeError} in the
 * same places.
 */
public class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    /** The same failure, its message prefixed with where the template came from. */
    public TemplateException withContext(String context) {
        return this instanceof Raised ? new Raised(context + getMessage()) : new TemplateException(context + getMessage());
    }

    /** Raised by the template itself through {@code raise_exception(msg)}; the message is exactly the template's. */
    public static final class Raised extends TemplateException {
        public Raised(String message) {
            super(message);
        }
    }
}
