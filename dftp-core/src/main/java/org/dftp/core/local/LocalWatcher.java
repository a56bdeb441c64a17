package org.dftp.core.local;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.dftp.core.tree.TreeWalker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the local tree with the JDK {@link WatchService} (inotify on Linux), registered on every
 * directory, new ones included, and turns what happens on disk into batches of changes.
 *
 * <p>Events only mark paths dirty. After a short quiet period ({@code coalesce}), or at the latest
 * {@value #MAX_DELAY_FACTOR} times that long after the first event of a batch (a disk that never goes quiet,
 * such as a copy writing a file every few milliseconds, must not hold its changes back), each dirty path is
 * looked at again on disk and compared with what the tree says this node offers there: the disk is the
 * truth, so a rename (a delete and a create), a burst of writes to one file, or events arriving in any
 * order all end in the right offers, each once. A directory that appears is scanned whole; one that
 * disappears withdraws everything this node offered below it. An overflow falls back to a rescan of that
 * subtree.
 *
 * <p>A directory that cannot be watched (past {@code fs.inotify.max_user_watches}, typically) is rescanned
 * every {@link #UNWATCHED_RESCAN} instead, so that a change there shows within that long rather than at the
 * hourly full rescan; the operator is told once, with the count and the {@code sysctl} that raises the limit.
 * Directories are registered from the scanner's thread and the watcher's own; the rest runs on the latter.
 */
public final class LocalWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalWatcher.class);
    /** The longest a change waits for its batch, in units of the quiet period. */
    static final int MAX_DELAY_FACTOR = 3;
    /** How often the directories that could not be watched are rescanned. */
    static final Duration UNWATCHED_RESCAN = Duration.ofSeconds(30);
    private static final Path MAX_WATCHES = Path.of("/proc/sys/fs/inotify/max_user_watches");

    /** Watches one directory; a seam so that tests can reach the watch limit without changing the kernel's. */
    interface Registrar {
        WatchKey register(Path dir, WatchService watcher) throws IOException;
    }

    private final LocalRoot root;
    private final LocalScanner scanner;
    private final String owner;
    private final Supplier<DfsTree> tree;
    private final Consumer<List<Change>> sink;
    /** Flushes waiting for {@link #flushLock}, taken by whichever holds it (see {@link #flush}). */
    private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final LongSupplier clock;
    private final long coalesceNanos;
    private final WatchService watcher;
    private final Map<WatchKey, Path> keys = new HashMap<>();
    /** Directories that could not be watched; guarded by {@link #keys}. */
    private final Set<Path> unwatched = new java.util.HashSet<>();
    /** Whether the operator was told about {@link #unwatched}; guarded by {@link #keys}. */
    private boolean unwatchedReported;
    private volatile Registrar registrar;
    private volatile long unwatchedRescanNanos = UNWATCHED_RESCAN.toNanos();
    private final Thread thread;
    /** Held for a whole {@link #flush}, read of the tree to publication; see {@link #flush}. */
    private final Object flushLock;
    private volatile boolean running = true;

    /**
     * @param tree the current tree, to know what this node offered below a vanished directory
     * @param sink receives each batch of changes, on the watcher's thread
     * @param clock Unix seconds, the announcement time of new offers
     * @param coalesce how long the disk must be quiet before a batch goes out; a batch waits at most
     *                 {@value #MAX_DELAY_FACTOR} times this long
     */
    public LocalWatcher(LocalRoot root, String owner, Supplier<DfsTree> tree, Consumer<List<Change>> sink,
                        LongSupplier clock, Duration coalesce) throws IOException {
        this(root, owner, tree, sink, clock, coalesce, new Object());
    }

    /**
     * @param flushLock held from a batch's read of the tree until its sink returns: whoever else compares
     *                  the disk with the tree and publishes under the same lock (a write that settles what it
     *                  just did, {@link LocalSync#settle}) never announces a change the watcher announces too
     */
    public LocalWatcher(LocalRoot root, String owner, Supplier<DfsTree> tree, Consumer<List<Change>> sink,
                        LongSupplier clock, Duration coalesce, Object flushLock) throws IOException {
        this.flushLock = flushLock;
        this.root = root;
        this.scanner = new LocalScanner(root, owner);
        this.owner = owner;
        this.tree = tree;
        this.sink = sink;
        this.clock = clock;
        this.coalesceNanos = coalesce.toNanos();
        this.watcher = FileSystems.getDefault().newWatchService();
        this.registrar = (dir, service) -> dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
        this.thread = new Thread(this::run, "dftp-watcher");
        this.thread.setDaemon(true);
    }

    /** Registers every directory of the local tree and starts watching. */
    public LocalWatcher start() {
        registerTree(root.dir());
        reportUnwatched();
        thread.start();
        return this;
    }

    /** Before a start: how directories are watched, and how often the unwatched ones are rescanned. */
    LocalWatcher registrar(Registrar r, Duration unwatchedRescan) {
        this.registrar = r;
        this.unwatchedRescanNanos = unwatchedRescan.toNanos();
        return this;
    }

    /** Whether a directory could not be watched. */
    boolean unwatched(Path dir) {
        synchronized (keys) {
            return unwatched.contains(dir);
        }
    }

    /** How many directories could not be watched and are rescanned every {@link #UNWATCHED_RESCAN} instead. */
    public int unwatchedDirectories() {
        synchronized (keys) {
            return unwatched.size();
        }
    }

    /**
     * Tells the operator, once, that directories go unwatched: after the scan that registered them, so that
     * the line has the count. Later ones (a tree that grows past the limit) are told as they happen.
     */
    public void reportUnwatched() {
        int count;
        synchronized (keys) {
            if (unwatched.isEmpty() || unwatchedReported) {
                return;
            }
            unwatchedReported = true;
            count = unwatched.size();
        }
        String limit;
        try {
            limit = Files.readString(MAX_WATCHES).strip();
        } catch (IOException | RuntimeException e) {
            limit = "unknown";
        }
        log.warn("Watcher: {} directories cannot be watched (fs.inotify.max_user_watches = {}, watching {}); changes "
                + "there show within {} s instead of at once. Raise the limit with: sysctl -w "
                + "fs.inotify.max_user_watches=524288 (and a line in /etc/sysctl.d/ to keep it)",
                count, limit, watchedDirectories(), unwatchedRescanNanos / 1_000_000_000L);
    }

    /**
     * Starts the event thread without walking the tree: the caller registers directories with
     * {@link #register} as it lists them (a scanner's pass), watch first, then list.
     */
    public LocalWatcher startEmpty() {
        thread.start();
        return this;
    }

    /** How many directories are watched. */
    public int watchedDirectories() {
        synchronized (keys) {
            return keys.size();
        }
    }

    private void registerTree(Path dir) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(dir);
        while (!dirs.isEmpty()) {
            Path d = dirs.remove(dirs.size() - 1);
            register(d);
            try (var entries = Files.newDirectoryStream(d, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                entries.forEach(dirs::add);
            } catch (IOException e) {
                log.warn("Watcher: cannot list {}: {}", d, e.toString());
            }
        }
    }

    /** Watches one directory (not what lies below it); safe from any thread, and again for one already watched. */
    public void register(Path dir) {
        boolean tell;
        try {
            WatchKey key = registrar.register(dir, watcher);
            synchronized (keys) {
                keys.put(key, dir);
                unwatched.remove(dir);
            }
            return;
        } catch (IOException e) {
            // Typically the inotify watch limit: one line for all of them (reportUnwatched), not one each.
            log.debug("Watcher: cannot watch {}: {}", dir, e.toString());
            synchronized (keys) {
                tell = unwatched.add(dir) && unwatched.size() == 1 && unwatchedReported;
                if (tell) {
                    unwatchedReported = false; // the last report was of directories since watched or gone
                }
            }
        }
        if (tell) {
            reportUnwatched();
        }
    }

    /**
     * The unwatched directories to rescan: the topmost ones, since a rescan covers a whole subtree. Those
     * gone from disk are forgotten (their parent's rescan withdraws what they held).
     */
    private List<Path> unwatchedToRescan() {
        List<Path> sorted;
        synchronized (keys) {
            unwatched.removeIf(d -> !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS));
            sorted = new ArrayList<>(unwatched);
        }
        sorted.sort(null);
        List<Path> top = new ArrayList<>();
        for (Path d : sorted) {
            if (top.isEmpty() || !d.startsWith(top.get(top.size() - 1))) {
                top.add(d);
            }
        }
        return top;
    }

    private void run() {
        Set<Path> dirty = new LinkedHashSet<>();
        long deadline = Long.MAX_VALUE;
        long latest = Long.MAX_VALUE; // when the batch goes out even if the disk is still busy
        long nextUnwatchedRescan = System.nanoTime() + unwatchedRescanNanos;
        while (running) {
            try {
                if (System.nanoTime() - nextUnwatchedRescan >= 0) {
                    nextUnwatchedRescan = System.nanoTime() + unwatchedRescanNanos;
                    List<Path> rescan = unwatchedToRescan();
                    if (!rescan.isEmpty()) {
                        dirty.addAll(rescan);
                        deadline = Math.min(deadline, System.nanoTime());
                    }
                }
                long untilRescan = unwatchedDirectories() == 0 ? Long.MAX_VALUE : nextUnwatchedRescan - System.nanoTime();
                long wait = Math.min(untilRescan, dirty.isEmpty() ? Long.MAX_VALUE : deadline - System.nanoTime());
                WatchKey key = wait == Long.MAX_VALUE ? watcher.take()
                        : wait > 0 ? watcher.poll(wait, TimeUnit.NANOSECONDS) : null;
                if (key != null) {
                    long now = System.nanoTime();
                    if (dirty.isEmpty()) {
                        latest = now + MAX_DELAY_FACTOR * coalesceNanos;
                    }
                    collect(key, dirty);
                    deadline = Math.min(now + coalesceNanos, latest);
                    continue;
                }
                if (!dirty.isEmpty() && System.nanoTime() - deadline >= 0) {
                    flush(dirty);
                    dirty.clear();
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("Watcher: batch failed and was dropped; the periodic rescan will repair it", e);
                dirty.clear();
            }
        }
    }

    private void collect(WatchKey key, Set<Path> dirty) {
        Path dir;
        synchronized (keys) {
            dir = keys.get(key);
        }
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                log.info("Watcher: event queue overflowed under {}; rescanning it", dir);
                dirty.add(dir == null ? root.dir() : dir);
                continue;
            }
            Path name = (Path) event.context();
            if (dir != null && !LocalRoot.isTemporary(name.toString())) {
                // An upload's temporary file is never part of the tree: its writes (every one is an event)
                // would only cost a stat and a comparison each after the quiet period.
                dirty.add(dir.resolve(name));
            }
        }
        if (!key.reset()) {
            synchronized (keys) {
                keys.remove(key); // the directory is gone; its parent's event says so
            }
        }
    }

    /**
     * Compares each dirty path on disk with this node's offers and emits the difference as one batch.
     * Runs on the watcher's thread for what inotify reported, and on a writer's thread for what it just
     * wrote ({@link LocalSync#settle}); both hold the flush lock, so the second of two looks at one change
     * finds the tree already saying what the disk says, and emits nothing.
     */
    void flush(Collection<Path> dirty) {
        // Writers that settle at once share one look, one publication to the store and one push to the
        // peers (flat combining): whoever holds the lock takes every flush waiting for it into its batch,
        // and each caller still returns only once its own change is in the store and sent.
        Waiting mine = new Waiting(dirty);
        waiting.add(mine);
        synchronized (flushLock) {
            if (mine.done) {
                if (mine.failure != null) {
                    throw mine.failure;
                }
                return;
            }
            List<Waiting> batch = new ArrayList<>();
            Set<Path> all = new LinkedHashSet<>();
            for (Waiting w; (w = waiting.poll()) != null; ) {
                batch.add(w);
                all.addAll(w.dirty);
            }
            RuntimeException failure = null;
            try {
                flushLocked(all);
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            } finally {
                for (Waiting w : batch) {
                    w.failure = w == mine ? null : failure;
                    w.done = true;
                }
            }
        }
    }

    /** A {@link #flush} waiting for the flush lock; its fields are guarded by that lock. */
    private static final class Waiting {
        final Collection<Path> dirty;
        boolean done;
        RuntimeException failure;

        Waiting(Collection<Path> dirty) {
            this.dirty = dirty;
        }
    }

    private void flushLocked(Collection<Path> dirty) {
        long now = clock.getAsLong();
        DfsTree current = tree.get();
        List<Change> changes = new ArrayList<>();
        for (Path local : dirty) {
            DfsPath path;
            try {
                path = root.toDfs(local);
            } catch (IllegalArgumentException e) {
                continue; // a name the DFS cannot carry; the scanner skips it too
            }
            if (LocalRoot.isTemporary(path.name())) {
                continue; // an upload's temporary file: its rename into place is what counts
            }
            if (path.isRoot() || path.equals(root.mount())) {
                changes.addAll(rescan(root.mount(), current, now));
                continue;
            }
            PosixFileAttributes a = stat(local);
            if (a == null || !(a.isDirectory() || a.isRegularFile())) {
                withdrawAll(current, path, changes);
            } else if (a.isDirectory()) {
                if (!Files.isSymbolicLink(local)) {
                    registerTree(local);
                }
                changes.addAll(rescan(path, current, now));
            } else {
                Offer next = scanner.offer(a, now);
                if (differs(offerAt(current, path), next)) {
                    changes.add(Change.offer(path, next));
                }
            }
        }
        if (!changes.isEmpty()) {
            sink.accept(changes);
        }
    }

    /** A subtree scanned again: new offers for what is there, withdrawals for what this node offered and is gone. */
    private List<Change> rescan(DfsPath dir, DfsTree current, long now) {
        List<Change> out = new ArrayList<>();
        Set<DfsPath> present = new java.util.HashSet<>();
        try {
            for (Change c : scanner.scanSubtree(dir, now)) {
                present.add(c.path());
                if (differs(offerAt(current, c.path()), c.offer())) {
                    out.add(c);
                }
            }
        } catch (NoSuchFileException e) {
            // vanished meanwhile: everything below is withdrawn
        } catch (IOException e) {
            log.warn("Watcher: rescan of {} failed: {}", dir, e.toString());
            return out;
        }
        TreeWalker w = current.walk(dir);
        while (w.advance()) {
            DfsPath p = DfsPath.of(w.path().toString());
            if (Offer.find(w.node().offer(), owner) != null && !present.contains(p)) {
                out.add(Change.withdraw(p, owner));
            }
        }
        return out;
    }

    private void withdrawAll(DfsTree current, DfsPath path, List<Change> out) {
        DfsNode node = current.lookup(path);
        if (node == null) {
            return;
        }
        if (Offer.find(node.offer(), owner) != null) {
            out.add(Change.withdraw(path, owner));
        }
        TreeWalker w = current.walk(path);
        while (node.isDirectory() && w.advance()) {
            if (Offer.find(w.node().offer(), owner) != null) {
                out.add(Change.withdraw(DfsPath.of(w.path().toString()), owner));
            }
        }
    }

    /** Whether the disk says something the known offer does not; the announcement time alone is no change. */
    private static boolean differs(Offer known, Offer next) {
        return known == null || known.size() != next.size() || known.lastModified() != next.lastModified()
                || known.mode() != next.mode();
    }

    private Offer offerAt(DfsTree current, DfsPath path) {
        DfsNode n = current.lookup(path);
        return n == null ? null : Offer.find(n.offer(), owner);
    }

    private static PosixFileAttributes stat(Path p) {
        try {
            return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            watcher.close();
        } catch (IOException e) {
            log.debug("Watcher: close failed: {}", e.toString());
        }
        thread.interrupt();
    }
}
