package io.qwen4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwen4j.chat.ChatMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Continuous batching: concurrent generations give the same text as alone, queueing, cancelling, prefix reuse. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BatchSchedulerTest {
    @TempDir
    static Path dir;

    static Model model;

    @BeforeAll
    static void open() throws Exception {
        model = TinyModels.open(dir);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<ChatMessage> ask(String text) {
        return List.of(ChatMessage.user(text));
    }

    @Test
    void concurrentGenerationsMatchTheirSoloRuns() throws Exception {
        var request = GenerationRequest.greedy(12);
        List<String> prompts = List.of("alpha", "bravo charlie", "delta", "echo foxtrot golf", "hotel", "india juliett", "kilo");
        List<String> solo = new ArrayList<>();
        for (String p : prompts) solo.add(model.chat(ask(p), false, request).await().text());
        try (var scheduler = new BatchScheduler(model, new BatchScheduler.Config(3, 16, 5))) {
            var futures = new ArrayList<CompletableFuture<GenerationEvent.Done>>();
            for (String p : prompts) {
                Generation g = scheduler.chat(ask(p), false, request);
                futures.add(CompletableFuture.supplyAsync(g::await));
            }
            for (int i = 0; i < prompts.size(); i++) {
                var done = futures.get(i).get(60, TimeUnit.SECONDS);
                assertThat(done.text()).as(prompts.get(i)).isEqualTo(solo.get(i));
                assertThat(done.reason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
            }
            assertThat(scheduler.metrics().requests()).isEqualTo(prompts.size());
            assertThat(scheduler.metrics().generatedTokens()).isPositive();
            assertThat(scheduler.metrics().timeToFirstTokenCount()).isEqualTo(prompts.size());
            // Slots are released at the end of the step that finished them, just after the last event went out.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (scheduler.metrics().activeSequences() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(scheduler.metrics().activeSequences()).isZero();
        }
    }

    @Test
    void aFullQueueIsRefusedAndCancellingFreesTheSlot() throws Exception {
        try (var scheduler = new BatchScheduler(model, new BatchScheduler.Config(1, 1, 64))) {
            Generation running = scheduler.chat(ask("one"), false, GenerationRequest.greedy(0));
            running.next(); // running in the slot now
            Generation queued = scheduler.chat(ask("two"), false, GenerationRequest.greedy(3));
            assertThatThrownBy(() -> scheduler.chat(ask("three"), false, GenerationRequest.greedy(3)))
                    .isInstanceOf(QueueFullException.class).hasMessageContaining("busy");
            assertThat(scheduler.metrics().rejected()).isEqualTo(1);
            running.cancel();
            GenerationEvent last = null;
            while (running.hasNext()) last = running.next();
            assertThat(((GenerationEvent.Done) last).reason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(queued.await().timings().generatedTokens()).isBetween(1, 3);
        }
    }

    @Test
    void aCancelledWaitingRequestNeverRuns() throws Exception {
        try (var scheduler = new BatchScheduler(model, new BatchScheduler.Config(1, 4, 64))) {
            Generation running = scheduler.chat(ask("one"), false, GenerationRequest.greedy(20));
            Generation waiting = scheduler.chat(ask("two"), false, GenerationRequest.greedy(20));
            waiting.cancel();
            var done = waiting.await();
            assertThat(done.reason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(done.timings().generatedTokens()).isZero();
            running.await();
        }
    }

    @Test
    void theNextChatTurnReusesTheSlotHoldingTheFirst() throws Exception {
        try (var scheduler = new BatchScheduler(model, new BatchScheduler.Config(2, 4, 64))) {
            var first = List.of(ChatMessage.system("be brief"), ChatMessage.user("tell me about the sea"));
            var reply = scheduler.chat(first, false, GenerationRequest.greedy(6)).await();
            scheduler.chat(ask("something unrelated"), false, GenerationRequest.greedy(4)).await();
            var second = new ArrayList<>(first);
            second.add(ChatMessage.assistant(reply.text()));
            second.add(ChatMessage.user("and the sky?"));
            var done = scheduler.chat(second, false, GenerationRequest.greedy(4)).await();
            int[] a = model.chatPrompt(first, false);
            int[] b = model.chatPrompt(second, false);
            int shared = 0;
            while (shared < a.length && a[shared] == b[shared]) shared++;
            assertThat(shared).isGreaterThan(b.length / 2);
            assertThat(done.timings().reusedTokens()).isGreaterThanOrEqualTo(shared);
            assertThat(scheduler.metrics().reusedPromptTokens()).isGreaterThanOrEqualTo(shared);
        }
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedUpFront() {
        try (var scheduler = new BatchScheduler(model, BatchScheduler.Config.of(2))) {
            assertThatThrownBy(() -> scheduler.submit(new int[300], GenerationRequest.greedy(1)))
                    .isInstanceOf(ContextOverflowException.class).hasMessageContaining("300 tokens");
            assertThat(scheduler.complete("still serving", GenerationRequest.greedy(2)).await().timings().generatedTokens()).isPositive();
        }
    }

    @Test
    void constrainedGenerationsInABatchMatchTheirSoloRunsAndAreValidJson() throws Exception {
        var request = GenerationRequest.greedy(120)
                .withJsonSchema("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"},\"b\":{\"type\":\"boolean\"}},\"required\":[\"n\",\"b\"]}");
        List<String> prompts = List.of("alpha", "bravo charlie", "delta");
        List<String> solo = new ArrayList<>();
        for (String p : prompts) solo.add(model.chat(ask(p), false, request).await().text());
        try (var scheduler = new BatchScheduler(model, new BatchScheduler.Config(3, 16, 5))) {
            var futures = new ArrayList<CompletableFuture<GenerationEvent.Done>>();
            for (String p : prompts) futures.add(CompletableFuture.supplyAsync(scheduler.chat(ask(p), false, request)::await));
            for (int i = 0; i < prompts.size(); i++) {
                var done = futures.get(i).get(60, TimeUnit.SECONDS);
                assertThat(done.text()).as(prompts.get(i)).isEqualTo(solo.get(i));
                assertThat(done.reason()).as(done.text()).isEqualTo(FinishReason.STOP);
                var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(done.text());
                assertThat(json.get("n").isIntegralNumber() && json.get("b").isBoolean()).as(done.text()).isTrue();
            }
        }
    }
}
