package org.dftp.core.tree;

import java.util.Arrays;
import org.dftp.core.DfsPath;

/**
 * A depth-first cursor over a subtree of one snapshot: a directory comes before its contents, and
 * siblings come by name. It holds one frame per level, so a streamed {@code /find/} of a huge tree
 * costs a constant amount of memory; callers pull as many entries as their buffer takes.
 *
 * <pre>{@code
 * TreeWalker w = tree.walk(DfsPath.ROOT);
 * while (w.advance()) { out.append(w.path()).append('\n'); }
 * }</pre>
 *
 * The start itself is not visited, unless it is a file, which walks as itself alone.
 */
public final class TreeWalker {
    private final StringBuilder path = new StringBuilder(256);
    private DirNode[] dirs = new DirNode[16];
    private int[] nextChild = new int[16];
    private int[] pathLength = new int[16];
    private int depth = -1;
    private DfsNode current;
    private DfsNode startFile;

    TreeWalker(DfsNode start, DfsPath startPath) {
        path.append(startPath.isRoot() ? "" : startPath.toString());
        if (start instanceof DirNode d) {
            push(d);
        } else {
            startFile = start;
        }
    }

    private void push(DirNode d) {
        depth++;
        if (depth == dirs.length) {
            dirs = Arrays.copyOf(dirs, depth * 2);
            nextChild = Arrays.copyOf(nextChild, depth * 2);
            pathLength = Arrays.copyOf(pathLength, depth * 2);
        }
        dirs[depth] = d;
        nextChild[depth] = 0;
        pathLength[depth] = path.length();
    }

    /** Moves to the next entry; false when the walk is over. */
    public boolean advance() {
        if (startFile != null) {
            current = startFile;
            startFile = null;
            return true;
        }
        if (current instanceof DirNode d && d.children.length > 0) {
            push(d); // path holds d's path: its children extend it
        }
        while (depth >= 0) {
            DirNode dir = dirs[depth];
            if (nextChild[depth] < dir.children.length) {
                current = dir.children[nextChild[depth]++];
                path.setLength(pathLength[depth]);
                path.append('/').append(current.name);
                return true;
            }
            dirs[depth--] = null;
        }
        current = null;
        return false;
    }

    /** The current entry. */
    public DfsNode node() {
        return current;
    }

    /** The current entry's user-form path, e.g. {@code /somedir/c.jpg}; valid until the next advance. */
    public CharSequence path() {
        return path;
    }
}
