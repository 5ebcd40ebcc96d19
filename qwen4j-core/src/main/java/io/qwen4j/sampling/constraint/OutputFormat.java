package io.qwen4j.sampling.constraint;

/**
 * What shape the generated text must have: free text, or JSON (any object, or valid against a schema). The JSON
 * forms are compiled when made, so a bad schema fails at request time with an {@link IllegalArgumentException}.
 */
public sealed interface OutputFormat {
    /** Free text: no constraint. */
    record Text() implements OutputFormat {}

    /** JSON text in the language of {@code grammar}; {@code description} says which (for messages and logs). */
    record Json(Grammar grammar, String description) implements OutputFormat {}

    OutputFormat TEXT = new Text();

    /** Any JSON object (OpenAI {@code response_format: {"type": "json_object"}}, Ollama {@code format: "json"}). */
    static OutputFormat jsonObject() {
        return new Json(JsonSchemaCompiler.anyObject(), "JSON object");
    }

    /** JSON valid against {@code schema} (a JSON schema document; see {@link JsonSchemaCompiler} for the subset). */
    static OutputFormat jsonSchema(String schema) {
        return new Json(JsonSchemaCompiler.compile(schema), "JSON schema " + schema);
    }
}
