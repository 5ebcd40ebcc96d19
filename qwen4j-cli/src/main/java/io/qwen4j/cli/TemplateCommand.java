package io.qwen4j.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwen4j.chat.ChatFormat;
import io.qwen4j.gguf.GgufSplit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints the prompt text a conversation renders to: for checking a chat template without running the model. */
@Command(name = "template", mixinStandardHelpOptions = true,
        description = "Print the prompt a chat renders to with the model's chat template (or --chat-template FILE).")
final class TemplateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Map<String, Object>>> LIST_OF_MAPS = new TypeReference<>() {};

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "GGUF model file (only its metadata is read); may be left out with --chat-template.")
    Path model;

    @Option(names = {"-m", "--message"}, paramLabel = "ROLE=TEXT",
            description = "A message, in order, e.g. -m user=Hi -m assistant=Hello -m user='And now?'")
    List<String> messages = new ArrayList<>();

    @Option(names = "--messages", paramLabel = "FILE",
            description = "JSON: an array of OpenAI-style messages, or a request object with messages and tools ('-': stdin).")
    String messagesFile;

    @Option(names = "--tools", paramLabel = "FILE", description = "JSON array of tool schemas.")
    Path toolsFile;

    @Option(names = "--kwarg", paramLabel = "NAME=JSON", description = "A further template variable, its value as JSON, e.g. --kwarg add_vision_id=true")
    List<String> kwargs = new ArrayList<>();

    @Option(names = "--no-generation-prompt", description = "Do not open the assistant's turn at the end.")
    boolean noGenerationPrompt;

    @Option(names = "--cases", paramLabel = "CASES.json",
            description = "Render each case of a test file and print the results as JSON (see TemplateCases); MODEL may then be a tokenizer folder.")
    Path cases;

    @Mixin
    ChatOptions chatOptions;

    @Override
    public Integer call() throws IOException {
        if (cases != null) {
            if (model == null) throw new IOException("--cases needs a SOURCE: a GGUF file or a tokenizer folder");
            System.out.print(TemplateCases.render(TokenizerSource.open(model), cases));
            System.out.flush();
            return 0;
        }
        ChatFormat format = chatOptions.chatTemplate.format();
        if (format == null) {
            if (model == null) throw new IOException("give a MODEL or --chat-template FILE");
            if (!Files.isRegularFile(model)) throw new IOException("no such model file: " + model);
            try (var gguf = GgufSplit.open(model)) {
                format = ChatFormat.fromGguf(gguf);
            }
        }
        var chat = new ArrayList<Map<String, Object>>();
        List<Map<String, Object>> tools = null;
        if (chatOptions.system != null) chat.add(message("system", chatOptions.system));
        if (messagesFile != null) {
            String text = messagesFile.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(messagesFile), StandardCharsets.UTF_8);
            JsonNode root = JSON.readTree(text);
            JsonNode list = root.isArray() ? root : root.path("messages");
            if (!list.isArray()) throw new IOException(messagesFile + ": expected an array of messages or an object with \"messages\"");
            chat.addAll(JSON.convertValue(list, LIST_OF_MAPS));
            if (root.has("tools")) tools = JSON.convertValue(root.get("tools"), LIST_OF_MAPS);
        }
        for (String m : messages) {
            int eq = m.indexOf('=');
            if (eq <= 0) throw new IOException("--message wants ROLE=TEXT, got: " + m);
            chat.add(message(m.substring(0, eq), m.substring(eq + 1)));
        }
        if (chat.isEmpty()) throw new IOException("no messages: give -m ROLE=TEXT, --system or --messages FILE");
        if (toolsFile != null) tools = JSON.readValue(toolsFile.toFile(), LIST_OF_MAPS);
        var vars = new LinkedHashMap<String, Object>();
        vars.put("enable_thinking", !chatOptions.noThink);
        for (String k : kwargs) {
            int eq = k.indexOf('=');
            if (eq <= 0) throw new IOException("--kwarg wants NAME=JSON, got: " + k);
            vars.put(k.substring(0, eq), JSON.readValue(k.substring(eq + 1), Object.class));
        }
        System.out.print(format.renderMaps(chat, tools, !noGenerationPrompt, vars));
        System.out.flush();
        System.err.println();
        System.err.println("(rendered with " + format.origin() + ")");
        return 0;
    }

    private static Map<String, Object> message(String role, String content) {
        var m = new LinkedHashMap<String, Object>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }
}
