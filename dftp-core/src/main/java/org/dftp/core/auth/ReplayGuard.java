package org.dftp.core.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refuses a signed message that is stale or seen before: its time must lie within {@link #WINDOW} of this
 * node's clock, and its nonce must not have been seen within the window. A nonce is kept only as long as a
 * message carrying it could still pass the time check, so the table holds one window's traffic; beyond
 * {@link #MAX_NONCES} (a flood of validly signed messages, which only a holder of the secret can send) the
 * oldest are dropped and their messages refused as stale from then on.
 *
 * <p>One lock guards the table, taken once per message, from whichever thread checks it.
 */
public final class ReplayGuard {
    /** How far a signed message's time may be from this node's clock, either way. */
    public static final Duration WINDOW = Duration.ofSeconds(120);
    static final int MAX_NONCES = 200_000;

    private final Clock clock;
    /** Nonces by the time of their message, oldest first. */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
    /** Messages older than this (Unix seconds) are refused: nonces of their time may have been dropped. */
    private long forgottenBefore = Long.MIN_VALUE;

    public ReplayGuard(Clock clock) {
        this.clock = clock;
    }

    /** Why a message of {@code time} (Unix seconds) with {@code nonce} is refused; null when it is fresh. */
    public synchronized String refusal(long time, String nonce) {
        long now = clock.millis() / 1000;
        long window = WINDOW.toSeconds();
        if (time < now - window || time > now + window) {
            return "signed " + (now - time) + " s from this node's clock, more than the " + window + " s allowed";
        }
        if (time < forgottenBefore) {
            return "too old to be told from a replay";
        }
        for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() >= now - window && seen.size() < MAX_NONCES) {
                break; // in insertion order, which is roughly time order: the rest are younger
            }
            forgottenBefore = Math.max(forgottenBefore, e.getValue() + 1);
            it.remove();
        }
        if (seen.putIfAbsent(nonce, time) != null) {
            return "a replay (its nonce was seen " + (now - seen.get(nonce)) + " s ago)";
        }
        return null;
    }
}
