package org.dftp.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.TreeWalker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 2's tree figures: one batch of 500,000 files (1,000 directories of 500) applied to an empty
 * tree and, as a full update with newer announcement times, to a full one; and a {@code /find/}
 * walk over the whole tree. Targets: each apply under 1 s, the walk under 0.25 s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TreeBench {

    /** Path order is what a sorted local scan gives; shuffled is what a Go peer's full update gives. */
    @Param({"sorted", "shuffled"})
    public String order;

    private List<Change> batch;
    private List<Change> newerBatch;
    private DfsTree full;
    /** The reusable output buffer of /find/: 64 KiB, the size of one HTTP chunk. */
    private final byte[] buffer = new byte[64 * 1024];

    @Setup(Level.Trial)
    public void setUp() {
        boolean shuffled = order.equals("shuffled");
        batch = TreeData.batch("ga", TreeData.T0, shuffled);
        newerBatch = TreeData.batch("ga", TreeData.T0 + 3600, shuffled);
        full = DfsTree.EMPTY.apply(batch);
        if (full.size() != TreeData.ENTRIES) {
            throw new IllegalStateException("expected " + TreeData.ENTRIES + " entries, got " + full.size());
        }
    }

    /** A full scan or the first full update of a peer: everything is new. */
    @Benchmark
    public DfsTree applyToEmpty() {
        return DfsTree.EMPTY.apply(batch);
    }

    /** The hourly full update of a peer: every one of its 500,000 offers replaced by a newer one. */
    @Benchmark
    public DfsTree replaceOwnerOnFull() {
        return full.replaceOwner("ga", newerBatch);
    }

    /** The periodic full update that finds nothing new: must be cheap and return the same tree. */
    @Benchmark
    public DfsTree replaceOwnerUnchanged() {
        DfsTree t = full.replaceOwner("ga", batch);
        if (t != full) {
            throw new IllegalStateException("an unchanged full update must return the same tree");
        }
        return t;
    }

    /**
     * {@code /find/}: every entry's path and a newline, UTF-8, into a reusable buffer that is
     * "sent" (reset) when full. Returns the byte count so the work cannot be elided.
     */
    @Benchmark
    public long find() {
        return find(full, buffer);
    }

    static long find(DfsTree tree, byte[] buffer) {
        long total = 0;
        int pos = 0;
        TreeWalker w = tree.walk(DfsPath.ROOT);
        while (w.advance()) {
            CharSequence p = w.path();
            int n = p.length();
            if (pos + 3 * n + 1 > buffer.length) {
                total += pos;
                pos = 0;
            }
            for (int i = 0; i < n; i++) {
                char c = p.charAt(i);
                if (c < 0x80) {
                    buffer[pos++] = (byte) c;
                } else {
                    pos = encodeSlow(p, i, buffer, pos);
                    break;
                }
            }
            buffer[pos++] = '\n';
        }
        return total + pos;
    }

    private static int encodeSlow(CharSequence p, int from, byte[] buffer, int pos) {
        byte[] rest = p.subSequence(from, p.length()).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(rest, 0, buffer, pos, rest.length);
        return pos + rest.length;
    }
}
