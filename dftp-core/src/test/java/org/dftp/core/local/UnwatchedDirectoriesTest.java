package org.dftp.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Past the inotify watch limit: one warning with the count and the sysctl, not one per directory, and
 * changes in the unwatched directories still show, by their periodic rescan.
 */
@Timeout(30)
class UnwatchedDirectoriesTest {
    private static final int LIMIT = 3;
    private static final int DIRS = 30;

    @TempDir
    Path dir;
    private final AtomicReference<DfsTree> tree = new AtomicReference<>(DfsTree.EMPTY);
    private final Logger logger = (Logger) LoggerFactory.getLogger(LocalWatcher.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private LocalWatcher watcher;

    @BeforeEach
    void start() throws IOException {
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logged.start();
        logger.addAppender(logged);
        for (int i = 0; i < DIRS; i++) {
            Files.createDirectories(dir.resolve("d" + i + "/sub"));
        }
        LocalRoot root = LocalRoot.of(dir, DfsPath.ROOT);
        tree.set(DfsTree.EMPTY.replaceOwner("me", new LocalScanner(root, "me").scan(1).changes()));
        AtomicInteger watches = new AtomicInteger();
        watcher = new LocalWatcher(root, "me", tree::get, this::apply, () -> 2, Duration.ofMillis(50))
                .registrar((d, kernel) -> {
                    if (watches.incrementAndGet() > LIMIT) {
                        throw new IOException("User limit of inotify watches reached"); // the JDK's ENOSPC
                    }
                    return d.register(kernel, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                            StandardWatchEventKinds.ENTRY_MODIFY);
                }, Duration.ofMillis(300))
                .start();
    }

    private synchronized void apply(List<Change> changes) {
        tree.set(tree.get().apply(changes));
    }

    @AfterEach
    void stop() throws IOException {
        watcher.close();
        logger.detachAppender(logged);
        logger.setAdditive(true);
        logger.setLevel(null);
    }

    @Test
    void theLimitIsToldOnceWithTheCountAndTheSysctl() {
        int unwatched = 1 + 2 * DIRS - LIMIT;
        assertEquals(unwatched, watcher.unwatchedDirectories());
        List<String> warnings = logged.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("Watcher: " + unwatched + " directories cannot be watched"), warnings.get(0));
        assertTrue(warnings.get(0).contains("sysctl -w fs.inotify.max_user_watches="), warnings.get(0));
    }

    @Test
    void aChangeInAnUnwatchedDirectoryShowsAtItsRescan() throws Exception {
        int i = 0;
        while (!watcher.unwatched(dir.resolve("d" + i + "/sub"))) {
            i++;
        }
        Files.writeString(dir.resolve("d" + i + "/sub/new.txt"), "found by the rescan");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (tree.get().lookup(DfsPath.of("d" + i + "/sub/new.txt")) == null) {
            assertTrue(System.nanoTime() < deadline, "the unwatched directory was not rescanned");
            Thread.sleep(20);
        }
        assertEquals(1, logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count(), "rescans warn no more");
    }
}
