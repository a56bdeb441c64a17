package org.dftp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the state thread pays for one upload into a big directory: one new file applied to a tree
 * whose {@code /up} holds {@code children} files (an upload's settle is one such change).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BigDirectoryInsert {
    @Param({"1000", "100000"})
    public int children;

    private DfsTree tree;
    private List<Change> one;

    @Setup
    public void setUp() {
        DfsPath up = DfsPath.ROOT.child("up");
        List<Change> batch = new ArrayList<>(children + 1);
        batch.add(Change.offer(up, Offer.of("a", Offer.MODE_DIR | 0755, 0, TreeData.T0, TreeData.T0)));
        for (int i = 0; i < children; i++) {
            batch.add(Change.offer(up.child(String.format("f%07d.bin", 2 * i)),
                    Offer.of("a", 0644, 1 << 20, TreeData.T0, TreeData.T0)));
        }
        tree = DfsTree.EMPTY.apply(batch);
        // An odd number: a name between two existing ones, in the middle of the directory.
        one = List.of(Change.offer(up.child(String.format("f%07d.bin", children | 1)),
                Offer.of("a", 0644, 1 << 20, TreeData.T0 + 1, TreeData.T0 + 1)));
    }

    @Benchmark
    public DfsTree oneUpload() {
        return tree.apply(one);
    }
}
