package org.dftp.netty.dav;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.dftp.core.DfsPath;

/**
 * WebDAV write locks (RFC 4918 6 and 9.10), in memory on the node that carries out the writes of a place.
 * A lock is advisory for the clients that take it: writes that do not submit its token in an {@code If}
 * header are refused with {@code 423}. Bounded and expiring, so that no client can fill the heap.
 */
final class LockTable {
    static final int MAX_LOCKS = 10_000;
    static final long DEFAULT_TIMEOUT_SECONDS = 3600;
    static final long MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
    static final String TOKEN_PREFIX = "opaquelocktoken:";

    /** One lock: on {@code root}, and with {@code deep} on everything below it. */
    record Lock(String token, DfsPath root, boolean exclusive, boolean deep, String ownerXml, long timeoutSeconds,
                long expiresAtNanos) {
        boolean covers(DfsPath p) {
            return p.equals(root) || deep && p.startsWith(root);
        }
    }

    /** Thrown when a lock cannot be taken: another one is in the way. */
    static final class Conflict extends Exception {
        Conflict() {
            super("locked", null, false, false);
        }
    }

    private final LongSupplier nanoClock;
    private final Map<String, Lock> byToken = new LinkedHashMap<>();

    LockTable() {
        this(System::nanoTime);
    }

    LockTable(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    synchronized Lock lock(DfsPath path, boolean exclusive, boolean deep, String ownerXml, long timeoutSeconds)
            throws Conflict {
        expire();
        for (Lock l : byToken.values()) {
            boolean overlaps = l.covers(path) || deep && l.root().startsWith(path);
            if (overlaps && (l.exclusive() || exclusive)) {
                throw new Conflict();
            }
        }
        if (byToken.size() >= MAX_LOCKS) {
            throw new Conflict();
        }
        long t = clamp(timeoutSeconds);
        Lock l = new Lock(TOKEN_PREFIX + UUID.randomUUID(), path, exclusive, deep, ownerXml, t,
                nanoClock.getAsLong() + t * 1_000_000_000L);
        byToken.put(l.token(), l);
        return l;
    }

    /** Renews the lock {@code token} if it covers {@code path}; null when there is no such lock. */
    synchronized Lock refresh(String token, DfsPath path, long timeoutSeconds) {
        expire();
        Lock l = byToken.get(token);
        if (l == null || !l.covers(path)) {
            return null;
        }
        long t = clamp(timeoutSeconds);
        Lock renewed = new Lock(l.token(), l.root(), l.exclusive(), l.deep(), l.ownerXml(), t,
                nanoClock.getAsLong() + t * 1_000_000_000L);
        byToken.put(token, renewed);
        return renewed;
    }

    /** Removes the lock {@code token}, which must cover {@code path}; false when there is none. */
    synchronized boolean unlock(String token, DfsPath path) {
        expire();
        Lock l = byToken.get(token);
        if (l == null || !l.covers(path)) {
            return false;
        }
        byToken.remove(token);
        return true;
    }

    /** The locks on {@code path}: rooted there or deep above it. */
    synchronized List<Lock> covering(DfsPath path) {
        expire();
        List<Lock> out = new ArrayList<>();
        for (Lock l : byToken.values()) {
            if (l.covers(path)) {
                out.add(l);
            }
        }
        return out;
    }

    /** The locks on {@code path} or anything below it: what a delete or move of it must answer to. */
    synchronized List<Lock> within(DfsPath path) {
        expire();
        List<Lock> out = new ArrayList<>();
        for (Lock l : byToken.values()) {
            if (l.covers(path) || l.root().startsWith(path)) {
                out.add(l);
            }
        }
        return out;
    }

    /** Whether {@code token} is a live lock that covers {@code path}. */
    synchronized boolean isToken(String token, DfsPath path) {
        Lock l = byToken.get(token);
        return l != null && l.expiresAtNanos() - nanoClock.getAsLong() > 0 && l.covers(path);
    }

    /** Forgets the locks rooted at {@code path} or below: the resource is gone. */
    synchronized void delete(DfsPath path) {
        byToken.values().removeIf(l -> l.root().startsWith(path));
    }

    private void expire() {
        long now = nanoClock.getAsLong();
        for (Iterator<Lock> it = byToken.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresAtNanos() - now <= 0) {
                it.remove();
            }
        }
    }

    private static long clamp(long seconds) {
        return seconds <= 0 ? DEFAULT_TIMEOUT_SECONDS : Math.min(seconds, MAX_TIMEOUT_SECONDS);
    }
}
