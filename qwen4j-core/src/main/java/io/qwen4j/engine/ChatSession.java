package io.qwen4j.engine;

import io.qwen4j.chat.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A conversation: each {@link #send} renders the whole history and generates the reply; the session's cache
 * already holds the earlier turns, so only the new tokens are processed. The reply joins the history when its
 * generation is consumed to the end.
 */
public final class ChatSession {
    private final Session session;
    private final List<ChatMessage> messages = new ArrayList<>();
    private boolean thinking = true;

    ChatSession(Session session) {
        this.session = session;
    }

    /** Sets a system prompt; only before the first message. */
    public ChatSession system(String prompt) {
        if (!messages.isEmpty()) throw new IllegalStateException("the system prompt must come first");
        messages.add(ChatMessage.system(prompt));
        return this;
    }

    /** Qwen3 thinking mode (on by default, as in Qwen3's template). */
    public ChatSession thinking(boolean enabled) {
        this.thinking = enabled;
        return this;
    }

    public List<ChatMessage> messages() {
        return List.copyOf(messages);
    }

    public Session session() {
        return session;
    }

    /** Adds a user message and starts the assistant's reply. */
    public Generation send(String userMessage, GenerationRequest request) {
        var turn = new ArrayList<>(messages);
        turn.add(ChatMessage.user(userMessage));
        int[] prompt = session.model().tokenizer().encode(session.model().chatFormat().render(turn, true, thinking));
        Generation g = session.generate(prompt, request);
        messages.add(ChatMessage.user(userMessage));
        g.onDone(done -> messages.add(ChatMessage.assistant(done.text())));
        return g;
    }
}
