package io.qwen4j.chat.parse;

/** One parsed tool call; {@code argumentsJson} is a JSON object as text (OpenAI's {@code function.arguments}). */
public record ToolCall(String id, String name, String argumentsJson) {}
