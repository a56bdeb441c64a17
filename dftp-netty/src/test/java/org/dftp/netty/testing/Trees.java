package org.dftp.netty.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;

/** Trees for tests, built from offers the way a node's updates build them. */
public final class Trees {
    /** 2026-11-24 09:30:38 UTC: when the Go captures were taken (full-update-request.txt). */
    public static final long CAPTURE_TIME = 1795512638L;
    /** 2026-11-24 09:31:02 UTC: the two 64 MiB files of the captures were written a minute later. */
    public static final long CAPTURE_TIME_64M = 1795512662L;

    private Trees() {
    }

    public static Change file(String path, String owner, long size, long mtime) {
        return Change.offer(DfsPath.of(path), Offer.of(owner, 0644, size, mtime, CAPTURE_TIME + 13));
    }

    public static Change dir(String path, String owner, long mtime) {
        return Change.offer(DfsPath.of(path), Offer.of(owner, Offer.MODE_DIR | 0755, 0, mtime, CAPTURE_TIME + 13));
    }

    public static DfsTree of(Change... changes) {
        return DfsTree.EMPTY.apply(List.of(changes));
    }

    /**
     * The two nodes of the captures in dftp-core/src/test/resources/go-dftp: {@code ga} holds the big files, {@code test.txt} and
     * {@code somedir/nested/}; {@code gb} holds {@code bigb1g.bin}, {@code fb64m.bin} and
     * {@code somedir/c.jpg}, so {@code somedir} belongs to {@code (multiple)}.
     */
    public static DfsTree goCaptures() {
        long t = CAPTURE_TIME;
        return of(
                file("big1g.bin", "ga", 1L << 30, t),
                file("f100k.bin", "ga", 102400, t),
                file("f64m.bin", "ga", 64L << 20, CAPTURE_TIME_64M),
                file("small1k.bin", "ga", 1024, t),
                file("test.txt", "ga", 20, t),
                dir("somedir", "ga", t),
                dir("somedir/nested", "ga", t),
                file("bigb1g.bin", "gb", 1L << 30, t),
                file("fb64m.bin", "gb", 64L << 20, CAPTURE_TIME_64M),
                dir("somedir", "gb", t),
                file("somedir/c.jpg", "gb", 2, t));
    }

    /** The tree a scan of {@code root} would give {@code owner}: every file and directory, with its real size and time. */
    public static DfsTree fromDisk(Path root, String owner) throws IOException {
        List<Change> changes = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                long mtime = a.lastModifiedTime().toMillis() / 1000;
                changes.add(a.isDirectory() ? dir(rel, owner, mtime) : file(rel, owner, a.size(), mtime));
            }
        }
        return DfsTree.EMPTY.apply(changes);
    }
}
