package org.dftp.netty.cluster;

import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.Offer;

/**
 * Not a test: join convergence (issue 3). Node B owns N entries; {@code POST /join/} on node A names B;
 * the time until A's tree holds all of B's entries. Both nodes run in this JVM on loopback; with
 * {@code rounds > 1} fresh pairs join again in the warmed-up JVM. Run by bench/join-convergence.sh.
 */
public final class JoinBench {
    private JoinBench() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<Change> changes = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            changes.add(Change.offer(DfsPath.of("data/set-" + (i / 500) + "/file-" + i + ".bin"),
                    Offer.of("node-b", 0644, i, 1_700_000_000L, 1_700_000_100L)));
        }
        for (int round = 1; round <= rounds; round++) {
            System.out.print("round " + round + ": ");
            join(changes);
        }
        System.exit(0);
    }

    /** One join of a fresh node A to a fresh node B that owns {@code changes}. */
    private static void join(List<Change> changes) throws Exception {
        try (TestNode a = TestNode.start("node-a", 7040); TestNode b = TestNode.start("node-b", 7050)) {
            b.store.publish(new Event.LocalScanned(changes, true, 1_700_000_100L)).join();
            int expected = b.store.snapshot().tree().size();
            System.gc();
            long t0 = System.nanoTime();
            int status = a.form("/join/", "peer=" + b.mgmt()).statusCode();
            long answered = System.nanoTime();
            while (a.store.snapshot().tree().size() < expected) {
                Thread.sleep(5);
                if (System.nanoTime() - t0 > 60_000_000_000L) {
                    throw new IllegalStateException("no convergence in 60 s: " + a.store.snapshot().tree().size());
                }
            }
            long done = System.nanoTime();
            System.out.printf("entries=%d join-status=%d join-answered=%dms converged=%dms%n", expected, status,
                    (answered - t0) / 1_000_000, (done - t0) / 1_000_000);
        }
    }
}
