package org.dftp.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Retained heap per entry of the 500,000-file tree (target: under 150 bytes), measured two ways: JOL
 * walks the object graph of the tree and adds up its objects; the GC way compares the used heap after
 * full collections with and without the tree held. Run with a fixed heap so the two agree on layout:
 * {@code java -Xmx2g -cp benchmarks.jar org.dftp.bench.TreeFootprint}.
 */
public final class TreeFootprint {
    private TreeFootprint() {
    }

    public static void main(String[] args) {
        System.out.println(VM.current().details().lines().filter(l -> l.contains("Object alignment")
                || l.contains("Compressed") || l.contains("Running")).reduce("", (a, b) -> a + b + "\n").strip());

        long before = usedAfterGc();
        long rssBefore = rss();
        DfsTree tree = DfsTree.EMPTY.apply(TreeData.batch("ga", TreeData.T0, false));
        long after = usedAfterGc();
        long rssAfter = rss();
        int entries = tree.size();

        GraphLayout layout = GraphLayout.parseInstance(tree);
        long jol = layout.totalSize();
        System.out.printf("entries                     %,d (%,d dirs, %,d files)%n", entries, TreeData.DIRS,
                entries - TreeData.DIRS);
        System.out.printf("JOL retained size           %,d bytes = %.1f bytes/entry%n", jol, (double) jol / entries);
        System.out.printf("GC used-heap difference     %,d bytes = %.1f bytes/entry%n", after - before,
                (double) (after - before) / entries);
        if (rssBefore > 0) {
            // Only meaningful when the collector gives memory back (the script runs this with Serial GC
            // and a low MaxHeapFreeRatio); it is the closest figure to the original's "RSS per entry".
            System.out.printf("process RSS difference      %,d bytes = %.1f bytes/entry%n", rssAfter - rssBefore,
                    (double) (rssAfter - rssBefore) / entries);
        }
        System.out.println();
        System.out.println("JOL footprint by class (one owner):");
        System.out.println(layout.toFootprint().lines().limit(14).reduce("", (a, b) -> a + b + "\n"));

        // The same files offered by a second node too: what one more offer per entry costs.
        List<Change> gb = TreeData.batch("gb", TreeData.T0 - 60, false);
        DfsTree both = tree.apply(gb);
        gb = null;
        long jolBoth = GraphLayout.parseInstance(both).totalSize();
        System.out.printf("JOL, every entry offered by two nodes: %.1f bytes/entry (+%.1f for the second offer)%n",
                (double) jolBoth / entries, (double) (jolBoth - jol) / entries);
        if (tree.size() != both.size()) {
            throw new IllegalStateException("a second offer must not add entries");
        }
    }

    /** The resident set size of this process in bytes (Linux), or 0. */
    private static long rss() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
