package org.dftp.core.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A growing delay per source address against password guessing. After {@value #FREE_FAILURES} failed
 * logins in a row an address waits 250 ms before its next answer, twice as long after every further
 * failure, up to 8 s: a person who mistypes does not notice, a guesser waits 8 s for every answer.
 * A success forgets the address, and so do {@value #FORGET_MINUTES} minutes without a failure.
 *
 * <p>At most {@value #MAX_ADDRESSES} addresses are tracked, so a flood of sources cannot grow the heap:
 * the one that failed least recently is dropped first. One lock guards the table; it is taken once per
 * login attempt, far too rarely to contend, from whichever event loop the attempt arrived on.
 */
public final class LoginThrottle {
    static final int FREE_FAILURES = 3;
    static final long FIRST_DELAY_MILLIS = 250;
    static final long MAX_DELAY_MILLIS = 8_000;
    static final int FORGET_MINUTES = 15;
    static final long FORGET_MILLIS = FORGET_MINUTES * 60_000L;
    static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    /** In order of last failure, oldest first: expiry and eviction both take from the head. */
    private final LinkedHashMap<InetAddress, Failures> table = new LinkedHashMap<>();

    private static final class Failures {
        int count;
        long lastMillis;
    }

    public LoginThrottle() {
        this(Clock.systemUTC());
    }

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long to hold the next answer to {@code from}: 0 up to 3 failures, then 250, 500, ... 8000 ms. */
    public long delayMillis(InetAddress from) {
        long now = clock.millis();
        synchronized (table) {
            Failures f = table.get(from);
            if (f == null || now - f.lastMillis >= FORGET_MILLIS) {
                return 0;
            }
            return delayAfter(f.count);
        }
    }

    /** A failed login from {@code from}. */
    public void failed(InetAddress from) {
        long now = clock.millis();
        synchronized (table) {
            expire(now);
            // Out and in again: the table stays ordered by last failure.
            Failures f = table.remove(from);
            if (f == null) {
                f = new Failures();
            }
            if (f.count < Integer.MAX_VALUE) {
                f.count++;
            }
            f.lastMillis = now;
            table.put(from, f);
            if (table.size() > MAX_ADDRESSES) {
                Iterator<InetAddress> oldest = table.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
    }

    /** A successful login from {@code from}: its failures are forgiven. */
    public void succeeded(InetAddress from) {
        synchronized (table) {
            table.remove(from);
        }
    }

    /** How many addresses are tracked now; for tests. */
    int tracked() {
        synchronized (table) {
            return table.size();
        }
    }

    static long delayAfter(int failures) {
        if (failures <= FREE_FAILURES) {
            return 0;
        }
        // 250 << 5 is 8000: no shift beyond it, so a long run of failures cannot overflow.
        int doublings = Math.min(failures - FREE_FAILURES - 1, 5);
        return Math.min(FIRST_DELAY_MILLIS << doublings, MAX_DELAY_MILLIS);
    }

    /** Drops the addresses that have not failed for {@link #FORGET_MILLIS}; all sit at the head. */
    private void expire(long now) {
        Iterator<Map.Entry<InetAddress, Failures>> it = table.entrySet().iterator();
        while (it.hasNext()) {
            if (now - it.next().getValue().lastMillis < FORGET_MILLIS) {
                return;
            }
            it.remove();
        }
    }
}
