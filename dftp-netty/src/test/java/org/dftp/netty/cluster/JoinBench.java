package org.dftp.netty.cluster;

import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.Offer;

/**
 * Not a test: join convergence (issue 3). {@code POST /join/} on node A names node B; one of them owns N
 * entries (B, the running node, by default; A, the node told to join, with "joiner", as issue 3 words it);
 * the time until the other node's tree holds all of them, once both nodes run (their start-up warm-up over, as
 * on a node that has been up for a second). Both nodes run in this JVM on loopback; with
 * {@code rounds > 1} fresh pairs join again in the warmed-up JVM. Run by bench/join-convergence.sh.
 */
public final class JoinBench {
    private JoinBench() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        boolean joinerOwns = args.length > 2 && args[2].equals("joiner");
        String owner = joinerOwns ? "node-a" : "node-b";
        List<Change> changes = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            changes.add(Change.offer(DfsPath.of("data/set-" + (i / 500) + "/file-" + i + ".bin"),
                    Offer.of(owner, 0644, i, 1_700_000_000L, 1_700_000_100L)));
        }
        if (args.length > 2 && args[2].equals("signed-vs-plain")) {
            signedVersusPlain(changes, rounds);
            System.exit(0);
        }
        warmTheMeasuringClient();
        System.out.println(joinerOwns ? "the node told to join (A) owns the entries; B must list them"
                : "the running node (B) owns the entries; A, told to join it, must list them");
        for (int round = 1; round <= rounds; round++) {
            System.out.print("round " + round + ": ");
            join(changes, joinerOwns);
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

    /**
     * The cost of the cluster secret: rounds that alternate a join of unsigned nodes with a join of nodes
     * that share a secret (B owns the entries), after two rounds of each to warm the JVM; prints each round
     * (the first, cold, ones too) and the ratio of the medians, signed over unsigned.
     */
    private static void signedVersusPlain(List<Change> changes, int rounds) throws Exception {
        org.dftp.netty.NodeConfig.Peers plain = org.dftp.netty.NodeConfig.Peers.DEFAULTS;
        org.dftp.netty.NodeConfig.Peers signed = plain.withSecret(
                org.dftp.core.auth.ClusterKey.of("a benchmark's cluster secret"));
        List<Long> p = new ArrayList<>();
        List<Long> s = new ArrayList<>();
        for (int round = -1; round <= rounds; round++) {
            long up = converge(changes, plain);
            long us = converge(changes, signed);
            System.out.printf("%s %d: unsigned %d ms, signed %d ms%n", round <= 0 ? "warm-up" : "round",
                    round <= 0 ? round + 2 : round, up, us);
            if (round > 0) {
                p.add(up);
                s.add(us);
            }
        }
        p.sort(null);
        s.sort(null);
        long mp = p.get(p.size() / 2);
        long ms = s.get(s.size() / 2);
        System.out.printf("median: unsigned %d ms, signed %d ms, signed/unsigned %.2fx%n", mp, ms, (double) ms / mp);
    }

    /** Milliseconds from A's join of B until A lists B's entries, both nodes with {@code peers}. */
    private static long converge(List<Change> changes, org.dftp.netty.NodeConfig.Peers peers) throws Exception {
        try (TestNode a = TestNode.start("node-a", 7040, peers); TestNode b = TestNode.start("node-b", 7050, peers)) {
            b.store.publish(new Event.LocalScanned(changes, true, 1_700_000_100L)).join();
            a.cluster.warmedUp().join();
            b.cluster.warmedUp().join();
            int expected = b.store.snapshot().tree().size();
            System.gc();
            long t0 = System.nanoTime();
            a.cluster.join(List.of(b.mgmt())).block(java.time.Duration.ofSeconds(60));
            while (a.store.snapshot().tree().size() < expected) {
                Thread.sleep(2);
                if (System.nanoTime() - t0 > 60_000_000_000L) {
                    throw new IllegalStateException("no convergence in 60 s");
                }
            }
            return (System.nanoTime() - t0) / 1_000_000;
        }
    }

    /** One join of a fresh node A to a fresh node B, one of which owns {@code changes}. */
    private static void join(List<Change> changes, boolean joinerOwns) throws Exception {
        try (TestNode a = TestNode.start("node-a", 7040); TestNode b = TestNode.start("node-b", 7050)) {
            TestNode owner = joinerOwns ? a : b;
            TestNode learner = joinerOwns ? b : a;
            owner.store.publish(new Event.LocalScanned(changes, true, 1_700_000_100L)).join();
            // Running nodes: their start-up warm-up (about 1 s in a fresh JVM) is over.
            long w0 = System.nanoTime();
            a.cluster.warmedUp().join();
            b.cluster.warmedUp().join();
            long waited = (System.nanoTime() - w0) / 1_000_000;
            int expected = owner.store.snapshot().tree().size();
            System.gc();
            long t0 = System.nanoTime();
            int status = a.form("/join/", "peer=" + b.mgmt()).statusCode();
            long answered = System.nanoTime();
            while (learner.store.snapshot().tree().size() < expected) {
                Thread.sleep(5);
                if (System.nanoTime() - t0 > 60_000_000_000L) {
                    throw new IllegalStateException("no convergence in 60 s: " + learner.store.snapshot().tree().size());
                }
            }
            long done = System.nanoTime();
            System.out.printf("entries=%d join-status=%d join-answered=%dms converged=%dms (waited %d ms for the "
                    + "warm-up)%n", expected, status, (answered - t0) / 1_000_000, (done - t0) / 1_000_000, waited);
        }
    }
}
