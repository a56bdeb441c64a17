package org.dftp.netty.dav;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.dftp.core.DfsPath;

/**
 * Properties that clients set with {@code PROPPATCH} (RFC 4918's dead properties), kept in memory on the
 * node that carries out the writes of a place: they follow {@code MOVE} and {@code COPY} there and go with
 * {@code DELETE}, and are gone when the node restarts. The disk holds only bytes, no extended attributes,
 * so that every file system a dfsroot lives on works alike. Bounded, so no client can fill the heap.
 */
final class DeadProperties {
    static final int MAX_PATHS = 10_000;
    static final int MAX_PER_PATH = 64;
    static final int MAX_VALUE_CHARS = 16 * 1024;

    /** Per path: property key ({@link DavXml#key}) to its whole element as XML. */
    private final Map<DfsPath, Map<String, String>> byPath = new ConcurrentHashMap<>();

    /** The properties of {@code path}: a copy, in the order they were set. */
    Map<String, String> get(DfsPath path) {
        Map<String, String> p = byPath.get(path);
        if (p == null) {
            return Map.of();
        }
        synchronized (p) {
            return new LinkedHashMap<>(p);
        }
    }

    /** Replaces the properties of {@code path} by {@code props} (empty removes them); false when over a bound. */
    boolean put(DfsPath path, Map<String, String> props) {
        if (props.isEmpty()) {
            byPath.remove(path);
            return true;
        }
        if (props.size() > MAX_PER_PATH || !byPath.containsKey(path) && byPath.size() >= MAX_PATHS) {
            return false;
        }
        byPath.put(path, new LinkedHashMap<>(props));
        return true;
    }

    /** Forgets {@code path} and everything below it. */
    void delete(DfsPath path) {
        byPath.keySet().removeIf(p -> p.startsWith(path));
    }

    /** Gives {@code to} (and below) the properties {@code from} (and below) has; {@code move} forgets {@code from}'s. */
    void carry(DfsPath from, DfsPath to, boolean move) {
        delete(to);
        for (Map.Entry<DfsPath, Map<String, String>> e : Map.copyOf(byPath).entrySet()) {
            if (e.getKey().startsWith(from)) {
                byPath.put(e.getKey().relativeTo(from).under(to), e.getValue());
                if (move) {
                    byPath.remove(e.getKey());
                }
            }
        }
    }
}
