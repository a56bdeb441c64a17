package org.dftp.core.local;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's offers in the store equal to its local tree: full scans (at start-up and as the
 * periodic safety net) and the {@link LocalWatcher}'s batches in between, and tells a {@link Listener}
 * what to announce to peers.
 *
 * <p>A full scan and a watcher batch must not interleave. A scan replaces all of this node's offers with
 * what it read; had a batch about a file created after the scan read its directory been published while
 * the scan ran, the scan's result would withdraw that file again, and no later event would bring it back.
 * So a scan holds one lock from its first read of the disk until its result is in the store, and the
 * watcher takes the same lock both to read the tree it compares the disk with and to publish its batch.
 * Whatever the watcher then reads on disk is newer than any scan already published, and anything that
 * changes after its read raises another event and another batch: the disk always has the last word.
 *
 * <pre>{@code
 * LocalSync sync = new LocalSync(root, "gb", store, clock, Duration.ofMillis(100), listener);
 * sync.watch();        // first, so nothing that happens during the scan is missed
 * sync.scan();         // the start-up scan
 * ...
 * sync.rescan();       // every -full-update-interval: scan, then listener.rescanned()
 * }</pre>
 */
public final class LocalSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalSync.class);

    /** What follows a change of the local offers; called outside the lock, on the thread that made it. */
    public interface Listener {
        /** A watcher batch is in the store: announce it to every peer as one incremental update. */
        void changed(List<Change> changes);

        /** A periodic full rescan is in the store: send every peer a full update. */
        void rescanned();
    }

    private final LocalRoot root;
    private final String owner;
    private final DfsStore store;
    private final Clock clock;
    private final Duration coalesce;
    private final Listener listener;
    private final Object lock = new Object();
    /** Whether the first scan ran; guarded by {@link #lock}. */
    private boolean scannedOnce;
    private volatile LocalWatcher watcher;
    /** Runs between a scan's read of the disk and its publication; a seam for tests of the race above. */
    volatile Runnable betweenReadAndPublish = () -> { };

    /**
     * @param owner this node's name
     * @param clock the announcement time of new offers
     * @param coalesce the watcher's quiet period (see {@link LocalWatcher})
     */
    public LocalSync(LocalRoot root, String owner, DfsStore store, Clock clock, Duration coalesce, Listener listener) {
        this.root = Objects.requireNonNull(root, "root");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.coalesce = Objects.requireNonNull(coalesce, "coalesce");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    private long now() {
        return clock.millis() / 1000;
    }

    /**
     * Starts following the disk. Directories are watched by the next {@link #scan}, each just before it is
     * listed, so the start-up scan walks the tree once for both and misses nothing that changes after.
     */
    public void watch() throws IOException {
        watcher = new LocalWatcher(root, owner, this::tree, this::changed, this::now, coalesce, lock).startEmpty();
    }

    /** How many directories are watched; 0 before {@link #watch}. */
    public int watchedDirectories() {
        LocalWatcher w = watcher;
        return w == null ? 0 : w.watchedDirectories();
    }

    /** How many directories could not be watched (see {@link LocalWatcher#unwatchedDirectories}). */
    public int unwatchedDirectories() {
        LocalWatcher w = watcher;
        return w == null ? 0 : w.unwatchedDirectories();
    }

    /** The tree as the watcher compares the disk with it: never in the middle of a scan. */
    private DfsTree tree() {
        synchronized (lock) {
            return store.snapshot().tree();
        }
    }

    private void changed(List<Change> changes) {
        synchronized (lock) {
            store.publish(new Event.LocalScanned(changes, false, now())).join();
        }
        listener.changed(changes);
    }

    /**
     * Brings the store in line with what the caller just did on disk, at once and on the calling thread:
     * each local path is looked at as the watcher would, and the difference goes to the store and then to
     * the {@link Listener} (every peer) before this returns. A write calls it before it answers its client,
     * so the change is everywhere as soon as the client hears of it; the watcher, which sees the same change
     * a moment later, then finds nothing left to announce. Requires {@link #watch}.
     *
     * @param locals paths below the root, as {@link LocalRoot#place} gives them; vanished ones are withdrawn
     */
    public void settle(Collection<Path> locals) {
        LocalWatcher w = watcher;
        if (w == null) {
            throw new IllegalStateException("settle before watch");
        }
        w.flush(locals);
    }

    /**
     * What a full scan found and cost.
     *
     * @param files regular files found
     * @param entries files and directories found
     * @param scanMillis time spent reading the disk
     * @param indexMillis time spent putting the result into the store
     */
    public record Scanned(int files, int entries, long scanMillis, long indexMillis) {
    }

    /**
     * Scans the whole local tree and makes it this node's offers: what vanished since is withdrawn.
     * Returns once the result is in the store.
     */
    public Scanned scan() {
        synchronized (lock) {
            long now = now();
            long t0 = System.nanoTime();
            LocalWatcher w = watcher;
            LocalScanner scanner = w == null ? new LocalScanner(root, owner) : new LocalScanner(root, owner, w::register);
            if (!scannedOnce) {
                // Before the first scan no upload can be running: a temp file is one a stopped node left.
                scanner.onTemporary(LocalSync::removeStale);
                scannedOnce = true;
            }
            LocalScanner.Result r = scanner.scan(now);
            long t1 = System.nanoTime();
            betweenReadAndPublish.run();
            store.publish(new Event.LocalTreeScanned(r.tree(), now)).join();
            if (w != null) {
                w.reportUnwatched(); // once, now that the scan has tried every directory
            }
            return new Scanned(r.files(), r.entries(), (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        }
    }

    private static void removeStale(Path temp) {
        try {
            java.nio.file.Files.deleteIfExists(temp);
            log.info("Scanner: removed {}, an upload that never finished", temp);
        } catch (java.io.IOException e) {
            log.warn("Scanner: cannot remove the unfinished upload {}: {}", temp, e.toString());
        }
    }

    /** The periodic safety net: a full {@link #scan}, then {@link Listener#rescanned}. */
    public void rescan() {
        Scanned r = scan();
        log.info("Scanner: periodic rescan finished, {} file(s) found; {} entries read in {} ms, indexed in {} ms",
                r.files(), r.entries(), r.scanMillis(), r.indexMillis());
        listener.rescanned();
    }

    @Override
    public void close() {
        LocalWatcher w = watcher;
        if (w != null) {
            w.close();
        }
    }
}
