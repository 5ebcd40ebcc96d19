package io.qwen4j.cli;

import io.qwen4j.chat.ChatFormat;
import io.qwen4j.engine.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --chat-template FILE}: a Jinja chat template that replaces the GGUF's own. */
final class ChatTemplateOption {
    @Option(names = "--chat-template", paramLabel = "FILE",
            description = "Jinja chat template to use instead of the model's (tokenizer.chat_template).")
    Path file;

    /** The template file's format, or null when none was given. */
    ChatFormat format() throws IOException {
        if (file == null) return null;
        if (!Files.isRegularFile(file)) throw new IOException("no such chat template file: " + file);
        return ChatFormat.of(Files.readString(file, StandardCharsets.UTF_8), null, null, "chat template " + file);
    }

    /** Installs the template file's format on {@code model}, if one was given; closes the model if that fails. */
    Model applyTo(Model model) throws IOException {
        try {
            ChatFormat f = format();
            if (f != null) model.setChatFormat(f);
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
