package org.dftp.netty.cluster;

import static org.dftp.netty.testing.Commands.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Two nodes find each other by multicast alone, with no {@code /join/}. Multicast must never leave this
 * machine, so the nodes run in a child JVM inside a fresh network namespace whose only interface is a
 * loopback with multicast switched on (the host's loopback has it off). Making a namespace needs root and
 * {@code ip}; where that is impossible the test is skipped with the reason, never passed.
 */
class MulticastDiscoveryTest {
    private String namespace;

    private void makeNamespace() {
        String ns = "dftp-disc-" + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
        try {
            run("ip", "netns", "add", ns);
            namespace = ns;
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "multicast", "on");
            run("ip", "netns", "exec", ns, "ip", "route", "add", "224.0.0.0/4", "dev", "lo");
        } catch (IOException | InterruptedException e) {
            Assumptions.abort("cannot make a network namespace with multicast on its loopback (needs root and "
                    + "iproute2): " + e.getMessage());
        }
    }

    @AfterEach
    void removeNamespace() throws Exception {
        if (namespace != null) {
            run("ip", "netns", "del", namespace);
        }
    }

    @Test
    void twoNodesFindEachOtherByMulticastWithoutJoin() throws Exception {
        makeNamespace();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, java.toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dio.netty.leakDetection.level=PARANOID",
                "-cp", classpath, DiscoveryProbe.class.getName(), "224.0.0.9:7041"));
        Path log = Files.createTempFile("dftp-discovery", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            String out = Files.readString(log);
            assertEquals(0, p.exitValue(), "the probe failed:\n" + out);
            assertTrue(out.contains("OK: a and b found each other by multicast"), out);
            assertTrue(out.contains("joined interfaces: [lo]"), out);
            assertTrue(!out.contains("LEAK"), "a ByteBuf leaked:\n" + out);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
