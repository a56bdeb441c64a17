package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dftp.it.ClusterChecks.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three-node cluster of {@link ThreeNodesTest}, each node a process started from the jar as users
 * start it, joined over {@code POST /join/} only. Every process runs Netty's leak detector at PARANOID
 * and its log must not report a leak.
 */
@Timeout(90)
class ThreeProcessesTest {
    @TempDir
    Path base;
    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    @Test
    void processesFromTheJarConvergeAndServeEveryFile() throws Exception {
        Trees trees = Trees.write(base.resolve("trees"));
        Path logs = Files.createDirectories(base.resolve("logs"));
        for (String name : Trees.NODES) {
            nodes.add(NodeProcess.start(name, trees.roots.get(name), logs));
        }
        for (NodeProcess n : nodes) {
            n.awaitPorts(Duration.ofSeconds(30));
        }
        NodeProcess n1 = nodes.get(0);
        NodeProcess n2 = nodes.get(1);
        NodeProcess n3 = nodes.get(2);
        var joined = Web.postForm(n2.mgmtUrl("/join/"), "peer=127.0.0.1:" + n1.mgmtPort);
        assertEquals(200, joined.statusCode(), joined.body());
        // n3 names only n2 and must learn n1 from n2's answer.
        joined = Web.postForm(n3.mgmtUrl("/join/"), "peer=127.0.0.1:" + n2.mgmtPort);
        assertEquals(200, joined.statusCode(), joined.body());

        List<Endpoint> endpoints = nodes.stream().map(NodeProcess::endpoint).toList();
        ClusterChecks.awaitFind(endpoints, trees.findSet(), Duration.ofSeconds(30));
        Map<String, String> owners = ClusterChecks.ownersAgree(endpoints, trees);
        for (Endpoint e : endpoints) {
            assertEquals("(multiple)", ClusterChecks.listing(e, "").get("shared/"), e.name());
            assertEquals("n1", ClusterChecks.listing(e, "").get("only1/"), e.name());
        }
        ClusterChecks.readsMatchOwners(endpoints, trees, owners);

        for (NodeProcess n : nodes) {
            String out = n.output();
            assertFalse(out.contains("LEAK"), n.name + " leaked a buffer:\n" + out);
            assertFalse(out.contains("ERROR"), n.name + " logged an error:\n" + out);
        }
    }
}
