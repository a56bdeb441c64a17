package org.dftp.core.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Holds the current {@link ClusterState} and is its only writer.
 *
 * <p>Any thread may {@link #publish} an event; it is queued, and one thread, {@code dftp-state},
 * drains the queue, applying events in arrival order through the {@link Reducer}. Like a Disruptor
 * handler at {@code endOfBatch}, it publishes once per drained batch, and only when the state's
 * identity changed: a burst of a thousand small updates costs subscribers one new snapshot, not a
 * thousand. Readers take {@link #snapshot()} without locking and keep it as long as they like. A
 * reducer that throws is logged and its event skipped: a bad event never stops the node.
 */
public final class DfsStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DfsStore.class);
    /** Most events applied before subscribers see a snapshot, so a flood cannot starve them. */
    private static final int MAX_BATCH = 1024;

    private record Pending(Event event, CompletableFuture<ClusterState> done) {
    }

    private final ExecutorService owner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dftp-state");
        t.setDaemon(true);
        return t;
    });
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** Whether a drain is scheduled or running; at most one is, so events never overtake each other. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Sinks.Many<ClusterState> changes = Sinks.many().replay().latest();
    private volatile ClusterState state;
    /** Touched only by the state thread. */
    private ClusterState published;

    public DfsStore(ClusterState initial) {
        this.state = initial;
        this.published = initial;
        changes.tryEmitNext(initial);
    }

    /** The current state; never blocks. */
    public ClusterState snapshot() {
        return state;
    }

    /**
     * Applies {@code event} on the state thread. The future completes with the state that followed it
     * once that state (or a later one) is visible through {@link #snapshot()} and {@link #states()};
     * it completes exceptionally when the reducer threw or the store is closed.
     */
    public CompletableFuture<ClusterState> publish(Event event) {
        CompletableFuture<ClusterState> done = new CompletableFuture<>();
        queue.add(new Pending(event, done));
        scheduleDrain();
        return done;
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            try {
                owner.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // Closed: nothing will ever apply what is queued.
                for (Pending p; (p = queue.poll()) != null; ) {
                    p.done.completeExceptionally(e);
                }
                draining.set(false);
            }
        }
    }

    private void drain() {
        List<Pending> batch = new ArrayList<>();
        List<Object> outcomes = new ArrayList<>(); // the state after each event, or what its reducer threw
        for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) {
            batch.add(p);
            try {
                state = Reducer.apply(state, p.event);
                outcomes.add(state);
            } catch (RuntimeException | Error e) {
                log.error("Store: event {} failed and was skipped", p.event.getClass().getSimpleName(), e);
                outcomes.add(e);
            }
        }
        if (state != published) {
            published = state;
            try {
                changes.tryEmitNext(published);
            } catch (RuntimeException e) {
                // A subscriber that throws must not leave the store without a drain thread.
                log.error("Store: a state subscriber failed", e);
            }
        }
        // Completed only now, so that whoever waits on an event also sees its state in states().
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes.get(i) instanceof ClusterState after) {
                batch.get(i).done.complete(after);
            } else {
                batch.get(i).done.completeExceptionally((Throwable) outcomes.get(i));
            }
        }
        draining.set(false);
        if (!queue.isEmpty()) {
            scheduleDrain(); // what arrived meanwhile, or what the batch limit left over
        }
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
        scheduleDrain(); // fails whatever was queued too late to run
        changes.tryEmitComplete();
    }
}
