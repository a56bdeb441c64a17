package org.dftp.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.dftp.core.cluster.Event.LocalScanned;
import org.dftp.core.cluster.Event.PeerSeen;
import org.dftp.core.cluster.Event.UpdatePushed;
import org.dftp.core.testing.TreeFixtures;
import org.dftp.core.wire.NodeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

@Timeout(10)
class DfsStoreTest {
    private static final NodeInfo GA = NodeInfo.of("ga", "127.0.0.1:7040", "127.0.0.1:7041");

    private DfsStore store;
    private final List<ClusterState> seen = new CopyOnWriteArrayList<>();
    private Disposable subscription;

    @BeforeEach
    void start() {
        store = new DfsStore(ClusterState.initial("dftp", GA));
        subscription = store.states().subscribe(seen::add);
    }

    @AfterEach
    void stop() {
        subscription.dispose();
        store.close();
    }

    private static NodeInfo peer(int i) {
        return NodeInfo.of("p" + i, "10.0.0.1:" + i, "10.0.0.1:" + (i + 1));
    }

    @Test
    void aSubscriberFirstGetsTheCurrentState() {
        assertEquals(List.of(store.snapshot()), seen);
    }

    @Test
    void aStateIsPublishedOnlyWhenItsIdentityChanged() {
        ClusterState initial = store.snapshot();
        ClusterState same = store.publish(new UpdatePushed("nobody", 5)).join();
        assertSame(initial, same);
        assertSame(initial, store.snapshot());
        assertEquals(1, seen.size(), "a no-op event publishes nothing");

        ClusterState changed = store.publish(new PeerSeen(peer(1), 5)).join();
        assertSame(changed, store.snapshot());
        assertEquals(List.of(initial, changed), seen, "visible in states() by the time the future completes");
    }

    @Test
    void aThrowingEventIsLoggedAndTheStoreGoesOn() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(DfsStore.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            // A full local scan of another owner's files makes replaceOwner throw.
            CompletableFuture<ClusterState> bad = store.publish(
                    new LocalScanned(TreeFixtures.changes("gb /x 1"), true, 1));
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(5, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, e.getCause());

            ClusterState after = store.publish(new PeerSeen(peer(1), 5)).join();
            assertEquals(1, after.peers().size(), "the next event is applied as usual");
            assertEquals(1, logged.list.size());
            ILoggingEvent line = logged.list.get(0);
            assertEquals(Level.ERROR, line.getLevel());
            assertTrue(line.getFormattedMessage().contains("LocalScanned"), line.getFormattedMessage());
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void aThrowingSubscriberDoesNotStopTheStore() {
        Disposable bad = store.states().skip(1).subscribe(s -> {
            throw new IllegalStateException("subscriber bug");
        });
        try {
            store.publish(new PeerSeen(peer(1), 5)).join();
            ClusterState after = store.publish(new PeerSeen(peer(2), 5)).join();
            assertEquals(2, after.peers().size());
            assertSame(after, seen.get(seen.size() - 1), "other subscribers still get every published state");
        } finally {
            bad.dispose();
        }
    }

    @Test
    void eventsFromManyThreadsAreAllAppliedInOrderPerThreadAndPublishedInBatches() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<List<CompletableFuture<ClusterState>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            List<CompletableFuture<ClusterState>> mine = new ArrayList<>();
            futures.add(mine);
            Thread w = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    // Each thread keeps updating its own peer's last-alive time, in increasing order.
                    mine.add(store.publish(new PeerSeen(peer(base), i + 1)));
                }
            });
            workers.add(w);
            w.start();
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        for (int t = 0; t < threads; t++) {
            long previous = 0;
            for (CompletableFuture<ClusterState> f : futures.get(t)) {
                long alive = f.get(5, TimeUnit.SECONDS).peer("p" + t * perThread).lastAlive();
                assertTrue(alive > previous, "one thread's events apply in the order it published them");
                previous = alive;
            }
        }
        ClusterState last = store.snapshot();
        assertEquals(threads, last.peers().size());
        last.peers().values().forEach(p -> assertEquals(perThread, p.lastAlive()));
        assertSame(last, seen.get(seen.size() - 1), "the final state was published");
        assertTrue(seen.size() <= threads * perThread + 1);
    }

    @Test
    void publishingAfterCloseFails() {
        store.close();
        CompletableFuture<ClusterState> late = store.publish(new PeerSeen(peer(1), 5));
        ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, e.getCause());
        assertTrue(store.states().count().block() >= 1, "states() completes on close");
    }
}
