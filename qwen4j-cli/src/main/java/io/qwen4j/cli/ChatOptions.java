package io.qwen4j.cli;

import io.qwen4j.engine.ChatSession;
import io.qwen4j.engine.Model;
import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the commands that chat: the system prompt, thinking, the chat template, and speed statistics. */
final class ChatOptions {
    @Option(names = "--system", description = "System prompt.")
    String system;

    @Option(names = "--no-think", description = "Switch Qwen3 thinking off.")
    boolean noThink;

    @Option(names = "--stats", description = "Print token counts and speeds to stderr after each reply.")
    boolean stats;

    @Mixin
    ChatTemplateOption chatTemplate;

    ChatSession newChat(Model m) throws IOException {
        chatTemplate.applyTo(m);
        var chat = m.newChat().thinking(!noThink);
        if (system != null) chat.system(system);
        return chat;
    }
}
