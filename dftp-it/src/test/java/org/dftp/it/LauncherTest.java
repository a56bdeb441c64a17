package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bin/dftp}: the collector it picks, and what it says without a jar. */
@Timeout(60)
class LauncherTest {
    private static final Path LAUNCHER = Path.of("..", "bin", "dftp").toAbsolutePath().normalize();

    private record Run(int exit, String output) {
    }

    private static Run run(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString(), "--help").redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("DFTP_JAVA_OPTS");
        pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    private static String collector(Run r) {
        int at = r.output().indexOf("Using ");
        assertTrue(at >= 0, "the JVM named its collector: " + r.output());
        return r.output().substring(at + 6).split("\\s")[0];
    }

    @Test
    void theParallelCollectorUnlessTheOptionsNameOne() throws Exception {
        Run plain = run(Map.of("DFTP_JAVA_OPTS", "-Xlog:gc:stdout"));
        assertEquals(0, plain.exit(), plain.output());
        assertEquals("Parallel", collector(plain));

        Run g1 = run(Map.of("DFTP_JAVA_OPTS", "-XX:+UseG1GC -Xlog:gc:stdout"));
        assertEquals("G1", collector(g1));

        Run other = run(Map.of("DFTP_JAVA_OPTS", "-XX:+DisableExplicitGC -Xlog:gc:stdout"));
        assertEquals("Parallel", collector(other), "a flag that only ends in GC names no collector");

        // The JVM reads these too, and refuses two collectors: the launcher must not add a second.
        Run tool = run(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC", "DFTP_JAVA_OPTS", "-Xlog:gc:stdout"));
        assertEquals(0, tool.exit(), tool.output());
        assertEquals("Serial", collector(tool));
    }

    @Test
    void aMissingJarIsOneLineAndExitCode2() throws Exception {
        Run r = run(Map.of("DFTP_JAR", "/nonexistent/dftp.jar"));
        assertEquals(2, r.exit());
        assertTrue(r.output().startsWith("dftp: /nonexistent/dftp.jar is missing; build it first with:"), r.output());
        assertEquals(1, r.output().strip().lines().count(), r.output());
    }
}
