package org.dftp.netty.cluster;

import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.Offer;

/**
 * Not a test: join convergence (issue 3). Node B owns N entries; {@code POST /join/} on node A names B;
 * the time until A's tree holds all of B's entries, once both nodes run (their start-up warm-up over, as
 * on a node that has been up for a second). Both nodes run in this JVM on loopback; with
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
        warmTheMeasuringClient();
        for (int round = 1; round <= rounds; round++) {
            System.out.print("round " + round + ": ");
            join(changes);
        }
        System.exit(0);
    }

    /**
     * The JDK client that sends {@code POST /join/} is not what is measured: its own first request (class
     * loading of java.net.http, a few hundred ms) goes to a throwaway server, not to a node.
     */
    private static void warmTheMeasuringClient() throws Exception {
        com.sun.net.httpserver.HttpServer s = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 4);
        s.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        s.start();
        try {
            TestNode.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                            + s.getAddress().getPort() + "/join/"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("peer=127.0.0.1:1")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } finally {
            s.stop(0);
        }
    }

    /** One join of a fresh node A to a fresh node B that owns {@code changes}. */
    private static void join(List<Change> changes) throws Exception {
        try (TestNode a = TestNode.start("node-a", 7040); TestNode b = TestNode.start("node-b", 7050)) {
            b.store.publish(new Event.LocalScanned(changes, true, 1_700_000_100L)).join();
            // Running nodes: their start-up warm-up (about 1 s in a fresh JVM) is over.
            long w0 = System.nanoTime();
            a.cluster.warmedUp().join();
            b.cluster.warmedUp().join();
            long waited = (System.nanoTime() - w0) / 1_000_000;
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
            System.out.printf("entries=%d join-status=%d join-answered=%dms converged=%dms (waited %d ms for the "
                    + "warm-up)%n", expected, status, (answered - t0) / 1_000_000, (done - t0) / 1_000_000, waited);
        }
    }
}
