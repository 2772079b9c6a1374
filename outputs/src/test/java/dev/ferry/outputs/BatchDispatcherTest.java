package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.spi.PendingFlush;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a flush started with {@link BatchDispatcher#submitted} waits for: the batches submitted before it and
 * nothing after, including a batch of those that was carried (its records without a final answer) until it
 * is delivered again. Batches are strings; the delivery is held per batch by a latch, so each test decides
 * when a batch is answered.
 */
class BatchDispatcherTest {

    private static final Path DEAD_LETTERS = Path.of("/var/lib/ferry/dead-letter/es.0.ndjson");

    private final Map<String, CountDownLatch> answers = new ConcurrentHashMap<>();
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final AtomicInteger warningChecks = new AtomicInteger();
    private BatchDispatcher<String> dispatcher;

    /** Delivers a batch once its latch is opened; "carry:X" carries X (as a failing delivery does) instead. */
    private void deliver(String batch) throws InterruptedException {
        answers.computeIfAbsent(batch, b -> new CountDownLatch(1)).await();
        if (batch.startsWith("carry:")) {
            dispatcher.carry(batch.substring("carry:".length()), "HTTP 503 the dead-letter file could not be written");
        } else {
            delivered.add(batch);
        }
    }

    private void answer(String batch) {
        answers.computeIfAbsent(batch, b -> new CountDownLatch(1)).countDown();
    }

    private PendingFlush submitted() {
        return dispatcher.submitted(warningChecks::incrementAndGet, DEAD_LETTERS);
    }

    /** Starts {@code flush.await()} on another thread. */
    private static CompletableFuture<Void> awaitAsync(PendingFlush flush) {
        return CompletableFuture.runAsync(() -> {
            try {
                flush.await();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static void assertStillWaiting(CompletableFuture<Void> f) {
        assertThatThrownBy(() -> f.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    }

    @AfterEach
    void close() {
        dispatcher.close();
    }

    @Test
    void aFlushWaitsForTheBatchesSubmittedBeforeItAndNotForLaterOnes() throws Exception {
        dispatcher = new BatchDispatcher<>("es.0", "Elasticsearch", 2, this::deliver);
        dispatcher.submit("a");
        PendingFlush first = submitted();
        dispatcher.submit("b");
        PendingFlush second = submitted();

        CompletableFuture<Void> firstDone = awaitAsync(first);
        assertStillWaiting(firstDone);
        answer("a");
        firstDone.get(10, TimeUnit.SECONDS);
        assertThat(delivered).containsExactly("a");
        assertThat(warningChecks).as("checked once its batches were answered").hasValue(1);

        CompletableFuture<Void> secondDone = awaitAsync(second);
        assertStillWaiting(secondDone);
        answer("b");
        secondDone.get(10, TimeUnit.SECONDS);
        assertThat(delivered).containsExactly("a", "b");
    }

    @Test
    void aFlushWaitsForAnEarlierBatchThatIsAnsweredAfterALaterOne() throws Exception {
        dispatcher = new BatchDispatcher<>("es.0", "Elasticsearch", 2, this::deliver);
        dispatcher.submit("a");
        dispatcher.submit("b");
        PendingFlush both = submitted();
        answer("b");
        CompletableFuture<Void> done = awaitAsync(both);
        assertStillWaiting(done);
        answer("a");
        done.get(10, TimeUnit.SECONDS);
        assertThat(delivered).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aCarriedBatchFailsTheFlushesThatIncludeItUntilItIsDeliveredAgain() throws Exception {
        dispatcher = new BatchDispatcher<>("es.0", "Elasticsearch", 2, this::deliver);
        dispatcher.submit("carry:a-retry");
        PendingFlush first = submitted();
        dispatcher.submit("b");
        PendingFlush second = submitted();
        answer("carry:a-retry");
        answer("b");

        assertThatThrownBy(first::await).isInstanceOf(IOException.class).hasMessage("records have no final answer yet "
                + "and are sent again (dead-letter file /var/lib/ferry/dead-letter/es.0.ndjson): HTTP 503 the dead-letter "
                + "file could not be written");
        assertThatThrownBy(second::await).as("a later flush includes the earlier batch").isInstanceOf(IOException.class);
        assertThat(delivered).containsExactly("b");

        dispatcher.submitCarried();
        PendingFlush third = submitted();
        answer("a-retry");
        third.await();
        assertThat(delivered).containsExactly("b", "a-retry");
        first.await(); // the carried batch kept its ticket: delivered again, it answers the first flush too
    }

    @Test
    void aBatchCarriedAfterAFlushDoesNotFailThatFlush() throws Exception {
        dispatcher = new BatchDispatcher<>("es.0", "Elasticsearch", 2, this::deliver);
        dispatcher.submit("a");
        PendingFlush first = submitted();
        dispatcher.submit("carry:b-retry");
        answer("carry:b-retry");
        answer("a");
        first.await();
        assertThat(delivered).containsExactly("a");
        assertThatThrownBy(submitted()::await).isInstanceOf(IOException.class)
                .hasMessageEndingWith(": HTTP 503 the dead-letter file could not be written");
    }

    @Test
    void aFlushThatWaitsWhenTheDispatcherClosesThrows() throws Exception {
        dispatcher = new BatchDispatcher<>("es.0", "Elasticsearch", 1, this::deliver);
        dispatcher.submit("a");
        CompletableFuture<Void> done = awaitAsync(submitted());
        assertStillWaiting(done);
        dispatcher.close();
        assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(IOException.class)
                .rootCause().hasMessage("the Elasticsearch output es.0 was closed before every record had a final answer;"
                        + " those records are not acknowledged and are read again at the next start");
        assertThat(delivered).isEmpty();
    }
}
