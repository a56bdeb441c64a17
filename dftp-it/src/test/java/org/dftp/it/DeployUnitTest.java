package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deploy/dftp.service}: a unit systemd accepts, running the node unprivileged and confined. */
class DeployUnitTest {
    private static final Path UNIT = Path.of("..", "deploy", "dftp.service").toAbsolutePath().normalize();
    private static final Path LAUNCHER = Path.of("..", "bin", "dftp").toAbsolutePath().normalize();
    private static final String INSTALLED = "/opt/dftp/bin/dftp";

    @Test
    void systemdAnalyzeVerifiesTheUnit(@TempDir Path dir) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed (Debian package systemd): skipping");
        // verify checks that ExecStart's program exists: point it at this checkout's launcher, nothing else.
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("ExecStart=" + INSTALLED + " "), "the unit starts the installed launcher");
        Path copy = dir.resolve("dftp.service");
        Files.writeString(copy, unit.replace(INSTALLED, LAUNCHER.toString()));
        Process p = new ProcessBuilder(analyze.toString(), "verify", copy.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze did not finish");
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), "no warnings");
    }

    @Test
    void theNodeRunsUnprivilegedAndConfined() throws Exception {
        List<String> lines = Files.readAllLines(UNIT).stream().map(String::strip).toList();
        for (String setting : List.of("User=dftp", "NoNewPrivileges=yes", "CapabilityBoundingSet=", "ProtectSystem=strict",
                "ProtectHome=read-only", "PrivateTmp=yes", "PrivateDevices=yes", "SystemCallFilter=@system-service",
                "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK")) {
            assertTrue(lines.contains(setting), "the unit sets " + setting);
        }
        // The JIT writes the code it runs: a JVM cannot start with write-xor-execute memory.
        assertTrue(lines.stream().noneMatch(l -> l.equals("MemoryDenyWriteExecute=yes")));
    }
}
