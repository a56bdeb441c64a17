package org.dftp.core.testing;

import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.dftp.core.tree.TreeWalker;

/**
 * Trees for tests, written as compact lines, and the two-node tree of the captures in
 * {@code go-dftp/} (nodes {@code ga} and {@code gb}). Shipped in dftp-core's test-jar so that the
 * HTTP, FTP and integration tests build the same trees.
 *
 * <p>One line is one change: {@code "OWNER PATH [SIZE] [@INFO_UPDATED] [m=LAST_MODIFIED] [deleted]"}.
 * A path ending in {@code /} is a directory offer; {@code deleted} withdraws the owner's offer.
 * Defaults: size 0, {@code @}{@link #T0}, {@code m=}{@link #T0}, file mode 0644 (0755 for a directory).
 * <pre>{@code
 * TreeFixtures.tree("ga /a.txt 5", "gb /docs/", "gb /docs/b.txt 7 @1700000100")
 * }</pre>
 */
public final class TreeFixtures {
    /** Default announcement and modification time: gb's full update in full-update-request.txt. */
    public static final long T0 = 1795512651L;
    /** Modification time of the captured files (2026-11-24 09:30:38 UTC). */
    public static final long CAPTURED_MTIME = 1795512638L;
    /** When ga last announced its files to gb (cluster-info.json). */
    public static final long GA_UPDATED = 1795512981L;
    public static final int FILE_MODE = 0644;
    public static final int DIR_MODE = Offer.MODE_DIR | 0755;

    private TreeFixtures() {
    }

    /** The changes the lines stand for, in order. */
    public static List<Change> changes(String... lines) {
        List<Change> out = new ArrayList<>(lines.length);
        for (String line : lines) {
            out.add(change(line));
        }
        return out;
    }

    /** One change from one line (see the class comment). */
    public static Change change(String line) {
        String[] t = line.trim().split("\\s+");
        if (t.length < 2) {
            throw new IllegalArgumentException("expected 'OWNER PATH ...': " + line);
        }
        String owner = t[0];
        boolean dir = t[1].endsWith("/");
        DfsPath path = DfsPath.of(t[1]);
        long size = 0;
        long infoUpdated = T0;
        long mtime = T0;
        boolean deleted = false;
        for (int i = 2; i < t.length; i++) {
            String s = t[i];
            if (s.startsWith("@")) {
                infoUpdated = Long.parseLong(s.substring(1));
            } else if (s.startsWith("m=")) {
                mtime = Long.parseLong(s.substring(2));
            } else if (s.equals("deleted")) {
                deleted = true;
            } else {
                size = Long.parseLong(s);
            }
        }
        if (deleted) {
            return Change.withdraw(path, owner);
        }
        return Change.offer(path, Offer.of(owner, dir ? DIR_MODE : FILE_MODE, size, mtime, infoUpdated));
    }

    /** The empty tree with the lines applied as one batch. */
    public static DfsTree tree(String... lines) {
        return DfsTree.EMPTY.apply(changes(lines));
    }

    /** A file offer. */
    public static Change file(String owner, String path, long size, long infoUpdated) {
        return Change.offer(DfsPath.of(path), Offer.of(owner, FILE_MODE, size, T0, infoUpdated));
    }

    /** A directory offer. */
    public static Change dir(String owner, String path, long infoUpdated) {
        return Change.offer(DfsPath.of(path), Offer.of(owner, DIR_MODE, 0, T0, infoUpdated));
    }

    /** {@code owner} withdraws its offer of {@code path}. */
    public static Change withdraw(String owner, String path) {
        return Change.withdraw(DfsPath.of(path), owner);
    }

    /** gb's full update as captured in go-dftp/full-update-request.txt. */
    public static List<Change> gbChanges() {
        return List.of(
                change("gb /bigb1g.bin 1073741824 m=" + CAPTURED_MTIME + " @" + T0),
                change("gb /somedir/ m=" + CAPTURED_MTIME + " @" + T0),
                change("gb /somedir/c.jpg 2 m=" + CAPTURED_MTIME + " @" + T0),
                change("gb /fb64m.bin 67108864 m=" + (CAPTURED_MTIME + 60) + " @" + T0));
    }

    /** ga's files as its listing (listing-root.html, listing-somedir.html) shows them. */
    public static List<Change> gaChanges() {
        return changes(
                "ga /big1g.bin 1073741824 m=" + CAPTURED_MTIME + " @" + GA_UPDATED,
                "ga /f100k.bin 102400 m=" + CAPTURED_MTIME + " @" + GA_UPDATED,
                "ga /f64m.bin 67108864 m=" + (CAPTURED_MTIME + 60) + " @" + GA_UPDATED,
                "ga /small1k.bin 1024 m=" + CAPTURED_MTIME + " @" + GA_UPDATED,
                "ga /test.txt 20 m=" + CAPTURED_MTIME + " @" + GA_UPDATED,
                "ga /somedir/ m=" + CAPTURED_MTIME + " @" + GA_UPDATED,
                "ga /somedir/nested/ m=" + CAPTURED_MTIME + " @" + GA_UPDATED);
    }

    /**
     * The tree of the captures: ga's five files and {@code somedir/nested/}, gb's two files and
     * {@code somedir/c.jpg}; {@code somedir} is offered by both, so its owner is "(multiple)".
     */
    public static DfsTree gaGb() {
        return DfsTree.EMPTY.apply(gaChanges()).apply(gbChanges());
    }

    /**
     * A canonical text of the whole tree, one line per entry in walk order with every offer in
     * precedence order: two trees with the same content have the same dump.
     */
    public static String dump(DfsTree tree) {
        StringBuilder out = new StringBuilder();
        TreeWalker w = tree.walk(DfsPath.ROOT);
        while (w.advance()) {
            DfsNode n = w.node();
            out.append(w.path()).append(n.isDirectory() ? "/" : "").append(' ').append(n.owner());
            for (Offer o = n.offer(); o != null; o = o.next()) {
                out.append(" [").append(o.owner()).append(' ').append(Integer.toOctalString(o.mode()))
                        .append(' ').append(o.size()).append(" m=").append(o.lastModified())
                        .append(" @").append(o.infoUpdated()).append(']');
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The paths of the tree in walk order, directories with a trailing slash. */
    public static List<String> paths(DfsTree tree) {
        List<String> out = new ArrayList<>();
        TreeWalker w = tree.walk(DfsPath.ROOT);
        while (w.advance()) {
            out.add(w.path() + (w.node().isDirectory() ? "/" : ""));
        }
        return out;
    }
}
