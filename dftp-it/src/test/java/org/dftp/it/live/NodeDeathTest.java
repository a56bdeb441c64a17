package org.dftp.it.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of node B: node A drops B's files within {@code ping-interval x ping-failures} plus one
 * interval, while a path C offers too stays readable from C; B restarted with a changed tree comes back
 * with exactly its new tree, on A and on C.
 */
@Timeout(120)
class NodeDeathTest {
    private static final Duration PING = Duration.ofMillis(300);
    private static final int FAILURES = 3;
    private static final String[] LIVENESS = {"-ping-interval=300ms", "-ping-failures=3"};
    /**
     * The bound of the issue, {@code 300ms x 3 + 300ms}, plus what the test itself adds: the kill reaching
     * the process, the store and the 20 ms poll of {@code /find/}.
     */
    private static final Duration REMOVAL = PING.multipliedBy(FAILURES + 1).plusMillis(500);

    @TempDir
    Path tmp;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private Path logs;

    @BeforeEach
    void logs() throws Exception {
        logs = NodeProcess.logDir(getClass());
    }

    @AfterEach
    void stop() {
        for (NodeProcess n : nodes) {
            n.close();
            assertFalse(n.log().contains("LEAK:"), n.name + " leaked a buffer:\n" + n.log());
        }
    }

    private NodeProcess node(String name, String... files) throws Exception {
        Path root = Files.createDirectories(tmp.resolve(name));
        for (String f : files) {
            Files.writeString(root.resolve(f), "from " + name);
        }
        NodeProcess n = NodeProcess.local(name, root, logs, LIVENESS);
        nodes.add(n);
        return n.launch();
    }

    @Test
    void aKilledNodesFilesGoWithinThePingBoundAndComeBackWhenItReturns() throws Exception {
        NodeProcess a = node("a", "a.txt");
        NodeProcess c = node("c", "shared.txt", "c.txt");
        a.awaitUp();
        c.awaitUp();
        a.join(c);
        NodeProcess.await("a has c's files", Duration.ofSeconds(10), () -> a.answersFind(f -> f.contains("/c.txt")));
        // b starts later, so its announcement of shared.txt is the more recent one and wins.
        Thread.sleep(1100);
        NodeProcess b = node("b", "shared.txt", "b-only.txt").awaitUp();
        a.join(b);
        NodeProcess.await("everyone has everything", Duration.ofSeconds(10),
                () -> a.answersFind(f -> f.contains("/b-only.txt")) && c.answersFind(f -> f.contains("/b-only.txt"))
                        && b.answersFind(f -> f.contains("/c.txt")));
        assertEquals("from b", a.get("/fs/shared.txt").body(), "b's newer offer of shared.txt wins");

        // On a loaded machine a node warming up may miss three 300 ms pings and be removed and taken back
        // in before this point: what follows counts from here.
        int removalsLogged = a.logLines("Peer b removed: 3 pings missed");
        int returnsLogged = a.logLines("Peer b is back");
        long removed = Long.parseLong(metric(a, "dftp_peers_removed_total"));
        long returned = Long.parseLong(metric(a, "dftp_peers_returned_total"));
        long returnedAtC = Long.parseLong(metric(c, "dftp_peers_returned_total"));
        int returnsLoggedAtC = c.logLines("Peer b is back");
        b.kill();
        Duration took = NodeProcess.await("b's files are gone from a", REMOVAL,
                () -> a.answersFind(f -> !f.contains("/b-only.txt")));
        assertTrue(a.find().contains("/shared.txt"), "shared.txt is c's now");
        assertEquals("from c", a.get("/fs/shared.txt").body());
        NodeProcess.await("c, which removed b too, serves its own shared.txt", REMOVAL, () -> {
            try {
                return "from c".equals(c.get("/fs/shared.txt").body());
            } catch (java.io.IOException e) {
                return false;
            }
        });
        NodeProcess.await("a logged the removal", Duration.ofSeconds(2),
                () -> a.logLines("Peer b removed: 3 pings missed") > removalsLogged);
        NodeProcess.await("a counted it", Duration.ofSeconds(2),
                () -> metric(a, "dftp_peers_removed_total").equals(String.valueOf(removed + 1)));
        System.out.println("b's files left a " + took.toMillis() + " ms after the kill");

        // b comes back on the same ports with a changed tree; nobody tells anyone: a and c greet it again.
        Files.delete(b.root.resolve("b-only.txt"));
        Files.writeString(b.root.resolve("b-new.txt"), "new b");
        b.launch().awaitUp();
        for (NodeProcess n : List.of(a, c)) {
            NodeProcess.await(n.name + " has b's new tree", Duration.ofSeconds(15),
                    () -> n.answersFind(f -> f.contains("/b-new.txt") && !f.contains("/b-only.txt")));
        }
        NodeProcess.await("a logged and counted b's return", Duration.ofSeconds(2),
                () -> a.logLines("Peer b is back") > returnsLogged
                        && metric(a, "dftp_peers_returned_total").equals(String.valueOf(returned + 1)));
        NodeProcess.await("so did c", Duration.ofSeconds(2),
                () -> c.logLines("Peer b is back") > returnsLoggedAtC
                        && Long.parseLong(metric(c, "dftp_peers_returned_total")) > returnedAtC);
        assertEquals("new b", a.get("/fs/b-new.txt").body());
        assertEquals(Set.of("/a.txt", "/b-new.txt", "/c.txt", "/shared.txt"), a.find());
        NodeProcess.await("b has the others' files again", Duration.ofSeconds(5),
                () -> b.answersFind(f -> f.containsAll(Set.of("/a.txt", "/c.txt"))));
    }

    /** The value of an unlabelled metric on {@code n}'s {@code /metrics}, or "" when it cannot be read. */
    static String metric(NodeProcess n, String name) {
        try {
            return n.mgmt("/metrics").body().lines().filter(l -> l.startsWith(name + " "))
                    .map(l -> l.substring(name.length() + 1)).findFirst().orElse("");
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
