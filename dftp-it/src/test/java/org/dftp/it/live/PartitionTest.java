package org.dftp.it.live;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition: nodes A and B in two network namespaces joined by a veth pair, the link taken down and up
 * again. Each side removes the other within the ping bound, and once the link is back each finds the
 * other again by itself (a removed peer keeps being greeted) and has its files again.
 *
 * <p>Namespaces need root and iproute2; where they cannot be made the test is skipped, saying why. The
 * addresses (10.211.x.1 and .2) exist only inside the two namespaces, and the test reaches the nodes
 * through an {@link HttpProbe} inside A's namespace.
 */
@Timeout(120)
class PartitionTest {
    private static final Duration PING = Duration.ofMillis(300);
    private static final Duration REMOVAL = PING.multipliedBy(3 + 1).plusSeconds(1);

    @TempDir
    Path tmp;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Netns> namespaces = new ArrayList<>();
    private Path logs;

    @BeforeEach
    void logs() throws Exception {
        logs = NodeProcess.logDir(getClass());
    }

    @AfterEach
    void stop() {
        try {
            for (NodeProcess n : nodes) {
                n.close();
                assertFalse(n.log().contains("LEAK:"), n.name + " leaked a buffer:\n" + n.log());
            }
        } finally {
            namespaces.forEach(Netns::close); // after the processes inside them are gone
        }
    }

    /** Two namespaces joined by a veth pair, {@code va} in the first at .1, {@code vb} in the second at .2. */
    private String[] link() {
        String id = ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(100_000);
        String subnet = "10.211." + ThreadLocalRandom.current().nextInt(256) + ".";
        try {
            Netns a = Netns.create("dftp-part-a-" + id);
            namespaces.add(a);
            Netns b = Netns.create("dftp-part-b-" + id);
            namespaces.add(b);
            Netns.run("ip", "link", "add", "va", "netns", a.name, "type", "veth", "peer", "name", "vb", "netns", b.name);
            a.exec("ip", "addr", "add", subnet + "1/24", "dev", "va");
            b.exec("ip", "addr", "add", subnet + "2/24", "dev", "vb");
            a.exec("ip", "link", "set", "va", "up");
            b.exec("ip", "link", "set", "vb", "up");
        } catch (IOException | InterruptedException e) {
            Assumptions.abort("cannot make two network namespaces joined by a veth pair (needs root and "
                    + "iproute2's ip): " + e.getMessage());
        }
        return new String[] {subnet + "1", subnet + "2"};
    }

    private NodeProcess node(Netns ns, String name, String host, String file) throws Exception {
        Path root = Files.createDirectories(tmp.resolve(name));
        Files.writeString(root.resolve(file), "from " + name);
        NodeProcess n = NodeProcess.of(ns.prefix(), name, root, host, 7040, 7041, logs,
                "-ping-interval=300ms", "-ping-failures=3");
        nodes.add(n);
        return n;
    }

    @Test
    void bothSidesOfAHealedPartitionFindEachOtherAgain() throws Exception {
        String[] addr = link();
        Netns nsA = namespaces.get(0);
        Netns nsB = namespaces.get(1);
        NodeProcess a = node(nsA, "a", addr[0], "a.txt").launch();
        NodeProcess b = node(nsB, "b", addr[1], "b.txt").launch();
        NodeProcess.Http inA = nsA.probe();
        a.via(inA).awaitUp();
        b.via(inA).awaitUp(); // across the link: b is reached from inside A's namespace too
        a.join(b);
        NodeProcess.await("a has b's files and b has a's", Duration.ofSeconds(10),
                () -> a.answersFind(f -> f.contains("/b.txt")) && b.answersFind(f -> f.contains("/a.txt")));

        // A node warming up on a loaded machine may already have been removed and taken back in once.
        int removedA = a.logLines("Peer b removed");
        int removedB = b.logLines("Peer a removed");
        int backA = a.logLines("Peer b is back");
        int backB = b.logLines("Peer a is back");
        nsA.exec("ip", "link", "set", "va", "down");
        NodeProcess.await("a dropped b's files", REMOVAL, () -> a.answersFind(f -> !f.contains("/b.txt")));
        NodeProcess.await("both sides logged the removal", REMOVAL,
                () -> a.logLines("Peer b removed") > removedA && b.logLines("Peer a removed") > removedB);

        nsA.exec("ip", "link", "set", "va", "up");
        NodeProcess.await("a has b's files again", Duration.ofSeconds(20), () -> a.answersFind(f -> f.contains("/b.txt")));
        NodeProcess.await("and b has a's", Duration.ofSeconds(10), () -> b.answersFind(f -> f.contains("/a.txt")));
        NodeProcess.await("both sides logged the return", Duration.ofSeconds(5),
                () -> a.logLines("Peer b is back") > backA && b.logLines("Peer a is back") > backB);
    }
}
