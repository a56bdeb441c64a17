package org.dftp.core.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * How long requests or transfers took, in fixed buckets from a millisecond to two minutes: what
 * {@code /metrics} shows as a Prometheus histogram. {@link #observe} is called from any thread (event
 * loops, FTP sessions) without contention; only a {@link #snapshot} sums.
 */
public final class DurationHistogram {
    /** Upper bounds of the buckets, in seconds; a last one, {@code +Inf}, takes everything. */
    public static final double[] BOUNDS = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120};
    private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS[i] * 1e9);
        }
    }

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final LongAdder sumNanos = new LongAdder();

    public DurationHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Counts one that took {@code nanos}. */
    public void observe(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        while (i < BOUNDS_NANOS.length && n > BOUNDS_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(n);
    }

    /**
     * The counts so far, each bucket with all those below it (as the format wants: {@code le} is "less than
     * or equal"), the last the total.
     */
    public Snapshot snapshot() {
        long[] cumulative = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i].sum();
            cumulative[i] = running;
        }
        return new Snapshot(cumulative, sumNanos.sum() / 1e9);
    }

    /**
     * @param cumulative for each of {@link #BOUNDS} and then {@code +Inf}, how many took at most that long
     * @param sumSeconds how long they took together
     */
    public record Snapshot(long[] cumulative, double sumSeconds) {
        public long count() {
            return cumulative[cumulative.length - 1];
        }
    }
}
