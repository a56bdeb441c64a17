package org.dftp.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;

/**
 * The same operations as {@link TreeBench}, timed by hand in wall-clock time and in process CPU time
 * (all threads: the benchmark thread, GC and JIT). On a shared machine the wall time depends on the
 * neighbours; the CPU time much less so. Reports the median of the measured runs.
 * {@code java -Xms2g -Xmx2g -cp benchmarks.jar org.dftp.bench.TreeTimes [warmups] [runs]}
 */
public final class TreeTimes {
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private TreeTimes() {
    }

    public static void main(String[] args) {
        int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf("%-34s %12s %12s%n", "operation (500,000 files)", "wall ms", "cpu ms");
        for (boolean shuffled : new boolean[] {false, true}) {
            String order = shuffled ? "shuffled" : "sorted";
            List<Change> batch = TreeData.batch("ga", TreeData.T0, shuffled);
            List<Change> newer = TreeData.batch("ga", TreeData.T0 + 3600, shuffled);
            DfsTree full = DfsTree.EMPTY.apply(batch);
            time("applyToEmpty " + order, warmups, runs, () -> DfsTree.EMPTY.apply(batch));
            time("replaceOwnerOnFull " + order, warmups, runs, () -> full.replaceOwner("ga", newer));
            time("replaceOwnerUnchanged " + order, warmups, runs, () -> full.replaceOwner("ga", batch));
            if (!shuffled) {
                byte[] buffer = new byte[64 * 1024];
                time("find", warmups, runs, () -> TreeBench.find(full, buffer));
            }
        }
    }

    private static void time(String name, int warmups, int runs, Supplier<Object> op) {
        long[] wall = new long[runs];
        long[] cpu = new long[runs];
        for (int i = 0; i < warmups + runs; i++) {
            System.gc();
            long w0 = System.nanoTime();
            long c0 = OS.getProcessCpuTime();
            Object result = op.get();
            long c1 = OS.getProcessCpuTime();
            long w1 = System.nanoTime();
            if (result == null) {
                throw new IllegalStateException();
            }
            if (i >= warmups) {
                wall[i - warmups] = w1 - w0;
                cpu[i - warmups] = c1 - c0;
            }
        }
        System.out.printf("%-34s %12.1f %12.1f%n", name, median(wall) / 1e6, median(cpu) / 1e6);
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }
}
