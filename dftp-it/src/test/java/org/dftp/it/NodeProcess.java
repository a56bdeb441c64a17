package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node started from the runnable jar ({@code dftp-netty/target/dftp.jar}, built before this module's
 * tests run) as its own process, on port 0 everywhere, with multicast off; the bound ports are read
 * from the start-up lines of its log. {@link #close} stops it with SIGTERM, then SIGKILL.
 */
final class NodeProcess implements AutoCloseable {
    static final Path JAR = Path.of("..", "dftp-netty", "target", "dftp.jar").toAbsolutePath().normalize();
    private static final Pattern PUBLIC = Pattern.compile("HTTP public interface listening on [^ ]*:(\\d+)\\.\\.\\.");
    private static final Pattern MGMT = Pattern.compile("HTTP mgmt interface listening on [^ ]*:(\\d+)\\.\\.\\.");

    final String name;
    final Process process;
    final Path log;
    int httpPort;
    int mgmtPort;

    private NodeProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts the node; {@link #awaitPorts} waits until it serves. */
    static NodeProcess start(String name, Path root, Path logDir, String... extraFlags) throws IOException {
        return start(List.of(), name, root, logDir, extraFlags);
    }

    /**
     * Starts the node with at most {@code openFiles} descriptors ({@code ulimit -n}, through {@code sh}, which
     * then becomes the JVM: {@link #process} is the node itself).
     */
    static NodeProcess startWithOpenFileLimit(int openFiles, String name, Path root, Path logDir,
                                              String... extraFlags) throws IOException {
        return start(List.of("sh", "-c", "ulimit -n \"$0\" && exec \"$@\"", Integer.toString(openFiles)),
                name, root, logDir, extraFlags);
    }

    /**
     * Starts the node as {@code java -jar} would run it under the POSIX locale (no {@code LANG}, {@code LC_ALL=C}):
     * the JDK then encodes file names as ASCII, as on many a service manager's default environment.
     */
    static NodeProcess startInPosixLocale(String name, Path root, Path logDir, String... extraFlags) throws IOException {
        return start(List.of("env", "-u", "LANG", "-u", "LC_CTYPE", "LC_ALL=C"), name, root, logDir, extraFlags);
    }

    private static NodeProcess start(List<String> prefix, String name, Path root, Path logDir, String... extraFlags)
            throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: dftp-it runs after dftp-netty is packaged "
                + "(./mvnw verify, or -pl dftp-it -am)");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx160m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dio.netty.leakDetection.level=PARANOID",
                "-jar", JAR.toString(),
                "-node-name=" + name, "-dfsroot=" + root,
                "-http-listen=127.0.0.1:0", "-http-mgmt-listen=127.0.0.1:0",
                "-ftp-listen=", "-multicast-discovery-addr="));
        cmd.addAll(List.of(extraFlags));
        Path log = logDir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new NodeProcess(name, p, log);
    }

    /** Waits for both start-up lines; fails with the log if the process ends or is too slow. */
    NodeProcess awaitPorts(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String out = output();
            Matcher pub = PUBLIC.matcher(out);
            Matcher mgmt = MGMT.matcher(out);
            if (pub.find() && mgmt.find()) {
                httpPort = Integer.parseInt(pub.group(1));
                mgmtPort = Integer.parseInt(mgmt.group(1));
                return this;
            }
            assertTrue(process.isAlive(), name + " exited with " + (process.isAlive() ? "" : process.exitValue())
                    + ":\n" + out);
            assertTrue(System.nanoTime() < deadline, name + " did not start in " + timeout + ":\n" + out);
            Thread.sleep(20);
        }
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    ClusterChecks.Endpoint endpoint() {
        return new ClusterChecks.Endpoint(name, httpPort);
    }

    String mgmtUrl(String path) {
        return "http://127.0.0.1:" + mgmtPort + path;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
