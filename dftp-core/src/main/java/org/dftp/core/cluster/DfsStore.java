package org.dftp.core.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Holds the current {@link ClusterState} and is its only writer.
 *
 * <p>Any thread may {@link #publish} an event; one thread, {@code dftp-state}, applies events in
 * arrival order through the {@link Reducer} and publishes the new snapshot when its identity changed.
 * Readers take {@link #snapshot()} without locking and keep it as long as they like. A reducer that
 * throws is logged and skipped: a bad event never stops the node.
 */
public final class DfsStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DfsStore.class);

    private final ExecutorService owner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dftp-state");
        t.setDaemon(true);
        return t;
    });
    private final Sinks.Many<ClusterState> changes = Sinks.many().replay().latest();
    private volatile ClusterState state;

    public DfsStore(ClusterState initial) {
        this.state = initial;
        changes.tryEmitNext(initial);
    }

    /** The current state; never blocks. */
    public ClusterState snapshot() {
        return state;
    }

    /** Applies {@code event} on the state thread; completes with the state that followed it. */
    public CompletableFuture<ClusterState> publish(Event event) {
        CompletableFuture<ClusterState> done = new CompletableFuture<>();
        try {
            owner.execute(() -> {
                try {
                    ClusterState before = state;
                    ClusterState after = Reducer.apply(before, event);
                    if (after != before) {
                        state = after;
                        changes.tryEmitNext(after);
                    }
                    done.complete(after);
                } catch (RuntimeException | Error e) {
                    log.error("Store: event {} failed and was skipped", event.getClass().getSimpleName(), e);
                    done.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Every new state, starting with the current one; emitted on the state thread, so subscribers must not block. */
    public Flux<ClusterState> states() {
        return changes.asFlux();
    }

    @Override
    public void close() {
        owner.shutdown();
        try {
            owner.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        changes.tryEmitComplete();
    }
}
