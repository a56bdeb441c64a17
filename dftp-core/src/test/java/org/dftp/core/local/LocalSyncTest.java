package org.dftp.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.Offer;
import org.dftp.core.wire.NodeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The store follows the disk: scans, watcher batches, and rescans that race the watcher. */
@Timeout(30)
class LocalSyncTest {
    @TempDir
    Path dir;

    private final DfsStore store = new DfsStore(ClusterState.initial("dftp", NodeInfo.of("me", "", "")));
    private final List<List<Change>> batches = new CopyOnWriteArrayList<>();
    private final AtomicInteger rescans = new AtomicInteger();
    private LocalSync sync;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("keep.txt"), "keep");
        Files.writeString(dir.resolve("doomed.txt"), "doomed");
        sync = new LocalSync(LocalRoot.of(dir, DfsPath.ROOT), "me", store, Clock.systemUTC(), Duration.ofMillis(50),
                new LocalSync.Listener() {
                    @Override
                    public void changed(List<Change> changes) {
                        batches.add(changes);
                    }

                    @Override
                    public void rescanned() {
                        rescans.incrementAndGet();
                    }
                });
    }

    @AfterEach
    void stop() {
        sync.close();
        store.close();
    }

    private DfsNode at(String p) {
        return store.snapshot().tree().lookup(DfsPath.of(p));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not reached in 10 s: " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void theStartUpScanFillsTheStore() {
        LocalSync.Scanned r = sync.scan();
        assertEquals(2, r.files());
        assertEquals("me", at("keep.txt").owner());
        assertEquals(0, rescans.get(), "the start-up scan is not announced as a rescan");
    }

    @Test
    void theStartUpScanRemovesUploadsAStoppedNodeLeftAndLaterScansLeaveRunningOnesAlone() throws Exception {
        Files.createDirectories(dir.resolve("d"));
        Path stale = Files.writeString(dir.resolve("d").resolve(LocalRoot.TEMP_PREFIX + "123"), "half");
        sync.scan();
        assertFalse(Files.exists(stale), "a temp file found at start-up is an upload that never finished");
        assertNull(at("d/" + LocalRoot.TEMP_PREFIX + "123"));
        Path running = Files.writeString(dir.resolve("d").resolve(LocalRoot.TEMP_PREFIX + "456"), "running");
        sync.rescan();
        assertTrue(Files.exists(running), "a rescan must not remove an upload in progress");
        assertNull(at("d/" + LocalRoot.TEMP_PREFIX + "456"));
    }

    @Test
    void watchedChangesReachTheStoreBeforeTheListenerAndLeaveOtherOwnersAlone() throws Exception {
        store.publish(new Event.PeerSeen(NodeInfo.of("peer", "", ""), 1)).join();
        store.publish(new Event.UpdateReceived("peer", true, 1,
                List.of(Change.offer(DfsPath.of("theirs.txt"), Offer.of("peer", 0644, 1, 1, 1))))).join();
        sync.watch();
        sync.scan();
        assertTrue(sync.watchedDirectories() >= 1);
        Files.writeString(dir.resolve("new.txt"), "new");
        Files.delete(dir.resolve("doomed.txt"));
        await("both changes announced", () -> batches.stream().flatMap(List::stream).count() >= 2);
        assertNotNull(at("new.txt"));
        assertNull(at("doomed.txt"));
        assertEquals("peer", at("theirs.txt").owner());
        for (List<Change> b : batches) {
            for (Change c : b) {
                assertEquals("me", c.owner());
            }
        }
    }

    @Test
    void aRescanPrunesWhatVanishedUnseenAndTellsTheListener() throws Exception {
        sync.scan(); // no watcher: the disk changes behind our back
        Files.delete(dir.resolve("doomed.txt"));
        Files.writeString(dir.resolve("late.txt"), "late");
        sync.rescan();
        assertNull(at("doomed.txt"));
        assertNotNull(at("late.txt"));
        assertEquals(1, rescans.get());
        assertTrue(batches.isEmpty());
    }

    @Test
    void aFileCreatedWhileARescanRunsIsNotWithdrawnByIt() throws Exception {
        sync.watch();
        sync.scan();
        // The rescan has read the disk; now a file appears and the watcher sees it long before the rescan
        // publishes. Were the watcher's batch published first, the rescan's result would withdraw the file
        // and nothing would bring it back.
        sync.betweenReadAndPublish = () -> {
            try {
                Files.writeString(dir.resolve("during.txt"), "during");
                Thread.sleep(500); // ten quiet periods: the watcher has long flushed
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        sync.rescan();
        sync.betweenReadAndPublish = () -> { };
        await("the file created during the rescan is offered", () -> at("during.txt") != null);
        Thread.sleep(200);
        assertNotNull(at("during.txt"), "and stays offered");
    }
}
