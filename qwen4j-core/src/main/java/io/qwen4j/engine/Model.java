package io.qwen4j.engine;

import io.qwen4j.chat.ChatFormat;
import io.qwen4j.chat.ChatMessage;
import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufSplit;
import io.qwen4j.model.Architectures;
import io.qwen4j.model.LanguageModel;
import io.qwen4j.model.ModelConfig;
import io.qwen4j.tensor.Parallel;
import io.qwen4j.tokenizer.GgufVocabulary;
import io.qwen4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The entry point for applications: a Qwen model opened from a GGUF file, with its tokenizer.
 *
 * <pre>{@code
 * try (var model = Model.open(Path.of("Qwen3-0.6B-Q8_0.gguf"))) {
 *     var chat = model.newChat();
 *     chat.send("Why is the sky blue?", GenerationRequest.defaults())
 *         .stream(e -> { if (e instanceof GenerationEvent.Token t) System.out.print(t.text()); });
 * }
 * }</pre>
 */
public final class Model implements AutoCloseable {

    /** Default runtime context: the training context can be huge (40K for Qwen3); llama.cpp also defaults to 4096. */
    public static final int DEFAULT_CONTEXT = 4096;

    /**
     * @param threads     worker threads for the kernels (0: one per physical core)
     * @param contextSize tokens per session (0: {@link #DEFAULT_CONTEXT}, capped at the model's training context)
     */
    public record Options(int threads, int contextSize) {
        public Options {
            if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
            if (contextSize < 0) throw new IllegalArgumentException("context size must be >= 0, got " + contextSize);
        }

        public static Options defaults() {
            return new Options(0, 0);
        }

        public Options withThreads(int t) {
            return new Options(t, contextSize);
        }

        public Options withContextSize(int c) {
            return new Options(threads, c);
        }
    }

    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final int contextSize;
    private volatile ChatFormat chatFormat;
    /** Snapshots of a Qwen3.5-0.8B-sized recurrent state are ~19 MB; every 1024 prompt tokens keeps that modest. */
    public static final int DEFAULT_CHECKPOINT_INTERVAL = 1024;
    private volatile int checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;

    /** A model around an already loaded forward pass (tests wrap one to observe it), with the built-in chat format. */
    Model(LanguageModel model, Tokenizer tokenizer, int contextSize) {
        this(model, tokenizer, contextSize, ChatFormat.builtIn());
    }

    private Model(LanguageModel model, Tokenizer tokenizer, int contextSize, ChatFormat chatFormat) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.contextSize = contextSize;
        this.chatFormat = chatFormat;
    }

    public static Model open(Path path) throws IOException {
        return open(path, Options.defaults());
    }

    /** Maps the file and builds the model; fails with a message naming the problem for corrupt or unsupported files. */
    public static Model open(Path path, Options options) throws IOException {
        GgufFile gguf = GgufSplit.open(path);
        Parallel pool = null;
        // Building the tokenizer (150K tokens and merges) and mapping the weights are independent: overlap them.
        var tokenizerFuture = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return GgufVocabulary.tokenizer(gguf);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            pool = new Parallel(options.threads() > 0 ? options.threads() : Parallel.defaultThreads());
            LanguageModel model = Architectures.load(gguf, pool);
            Tokenizer tokenizer = awaitTokenizer(tokenizerFuture);
            if (tokenizer.vocabSize() > model.config().vocabSize()) {
                throw new IOException(path + ": the tokenizer has " + tokenizer.vocabSize()
                        + " tokens but the embedding only " + model.config().vocabSize() + " rows");
            }
            int train = model.config().contextLength();
            int ctx = options.contextSize() > 0 ? options.contextSize() : Math.min(DEFAULT_CONTEXT, train);
            return new Model(model, tokenizer, ctx, ChatFormat.fromGguf(gguf));
        } catch (IOException | RuntimeException e) {
            tokenizerFuture.cancel(true);
            tokenizerFuture.handle((t, err) -> null).join(); // never unmap while it still reads the file
            if (pool != null) pool.close();
            gguf.close();
            throw e;
        }
    }

    private static Tokenizer awaitTokenizer(java.util.concurrent.CompletableFuture<Tokenizer> future) throws IOException {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException u) throw u.getCause();
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    public ModelConfig config() {
        return model.config();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The forward pass itself, for tools that need raw logits. */
    public LanguageModel languageModel() {
        return model;
    }

    public GgufFile gguf() {
        return model.gguf();
    }

    /** How chats become prompts: the GGUF's chat template, or the built-in ChatML when the file has none. */
    public ChatFormat chatFormat() {
        return chatFormat;
    }

    /** Replaces the chat format, e.g. with a template file the user gives; applies to prompts rendered from now on. */
    public void setChatFormat(ChatFormat format) {
        this.chatFormat = java.util.Objects.requireNonNull(format, "format");
    }

    /**
     * How often (in tokens) a hybrid model's session snapshots its recurrent state while it processes a prompt, on
     * top of the snapshots at the end of each prompt and reply; 0: only those. Default {@value #DEFAULT_CHECKPOINT_INTERVAL}.
     */
    public int checkpointInterval() {
        return checkpointInterval;
    }

    public void setCheckpointInterval(int tokens) {
        if (tokens < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + tokens);
        this.checkpointInterval = tokens;
    }

    /** Tokens each new session can hold. */
    public int contextSize() {
        return contextSize;
    }

    /** A fresh sequence with its own KV cache. */
    public Session newSession() {
        return new Session(this, contextSize);
    }

    /** A multi-turn chat that keeps its KV cache between turns. */
    public ChatSession newChat() {
        return new ChatSession(newSession());
    }

    /** Continues raw text (no chat markup; special tokens in the text are parsed). */
    public Generation complete(String prompt, GenerationRequest request) {
        return newSession().generate(tokenizer.encode(prompt), request);
    }

    /** One assistant reply to a whole conversation, in a fresh session. */
    public Generation chat(List<ChatMessage> messages, GenerationRequest request) {
        return chat(messages, true, request);
    }

    /** One assistant reply to a whole conversation, with Qwen3's thinking on or off, in a fresh session. */
    public Generation chat(List<ChatMessage> messages, boolean thinking, GenerationRequest request) {
        return newSession().generate(chatPrompt(messages, thinking), request);
    }

    /** The tokens of a conversation rendered with the chat template, ending with the assistant's turn opened. */
    public int[] chatPrompt(List<ChatMessage> messages, boolean thinking) {
        return renderChat(messages, null, thinking).tokens();
    }

    /**
     * A conversation with the tools offered to the model (OpenAI-style function definitions as maps, or null),
     * rendered with the chat template and tokenized.
     *
     * @throws io.qwen4j.chat.template.TemplateException when the template refuses the conversation
     */
    public ChatPrompt renderChat(List<ChatMessage> messages, List<java.util.Map<String, Object>> tools, boolean thinking) {
        String text = chatFormat.render(messages, tools, true, java.util.Map.of("enable_thinking", thinking));
        return new ChatPrompt(text, tokenizer.encode(text));
    }
    @Override
    public void close() {
        model.close();
    }
}
