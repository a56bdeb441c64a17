package org.dftp.it.live;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A dftp node running as a process of its own from the shaded jar ({@code dftp-netty/target/dftp.jar}),
 * as a user starts it: on loopback ports of its own, FTP and multicast off. Its output goes to a log file
 * that tests read for the lines users grep for. Kill it with {@link #kill} ({@code kill -9}) or
 * {@link #stop}; {@link #close} does the latter and never throws.
 */
final class NodeProcess implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** An HTTP answer: the status (0 when there was none) and the body. */
    record Reply(int statusCode, String body) {
    }

    /** How the test reaches the node: directly, or through an {@link HttpProbe} inside its namespace. */
    interface Http {
        Reply get(String url) throws IOException;

        Reply postForm(String url, String form) throws IOException;
    }

    /** HTTP from this JVM. */
    static final Http DIRECT = new Http() {
        @Override
        public Reply get(String url) throws IOException {
            return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build());
        }

        @Override
        public Reply postForm(String url, String form) throws IOException {
            return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        }

        private Reply send(HttpRequest req) throws IOException {
            try {
                HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                return new Reply(r.statusCode(), r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    };

    final String name;
    final Path root;
    final String host;
    final int httpPort;
    final int mgmtPort;
    final Path log;
    private final List<String> command;
    private Http http = DIRECT;
    private Process process;

    private NodeProcess(String name, Path root, String host, int httpPort, int mgmtPort, Path log, List<String> command) {
        this.name = name;
        this.root = root;
        this.host = host;
        this.httpPort = httpPort;
        this.mgmtPort = mgmtPort;
        this.log = log;
        this.command = command;
    }

    /** The runnable jar, built by dftp-netty's package phase, which runs before this module's tests. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("user.dir")).resolve("../dftp-netty/target/dftp.jar").normalize();
        if (!Files.isRegularFile(jar)) {
            fail(jar + " is missing: build with the reactor (./mvnw verify, or -pl dftp-it -am) so dftp-netty is "
                    + "packaged first");
        }
        return jar;
    }

    /** A free TCP port on loopback (free now; the node binds it a moment later). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A node on 127.0.0.1, not started yet; {@code flags} are added to the command line. */
    static NodeProcess local(String name, Path root, Path logDir, String... flags) {
        return of(List.of(), name, root, "127.0.0.1", freePort(), freePort(), logDir, flags);
    }

    /**
     * A node started with {@code prefix} before {@code java} (e.g. {@code ip netns exec NS}), listening on
     * {@code host}.
     */
    static NodeProcess of(List<String> prefix, String name, Path root, String host, int httpPort, int mgmtPort,
                          Path logDir, String... flags) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small and quick to start: a test node holds a handful of files.
                "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
                "-Dio.netty.leakDetection.level=paranoid",
                "-jar", jar().toString(),
                "-node-name=" + name, "-dfsroot=" + root,
                "-http-listen=" + host + ":" + httpPort, "-http-mgmt-listen=" + host + ":" + mgmtPort,
                "-ftp-listen=", "-multicast-discovery-addr="));
        cmd.addAll(List.of(flags));
        return new NodeProcess(name, root, host, httpPort, mgmtPort, logDir.resolve(name + ".log"), cmd);
    }

    /** Reaches the node through {@code via} from now on. */
    NodeProcess via(Http via) {
        this.http = via;
        return this;
    }

    /** Starts the process (again, after a kill: the log is appended to); does not wait for it to serve. */
    NodeProcess launch() throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    /** Waits until the management API answers, or fails with the log. */
    NodeProcess awaitUp() {
        await(name + " serves", Duration.ofSeconds(30), () -> {
            if (!process.isAlive()) {
                fail(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                return mgmt("/healthz").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    String publicUrl(String path) {
        return "http://" + host + ":" + httpPort + path;
    }

    String mgmtAddr() {
        return host + ":" + mgmtPort;
    }

    Reply get(String path) throws IOException {
        return http.get(publicUrl(path));
    }

    Reply mgmt(String path) throws IOException {
        return http.get("http://" + mgmtAddr() + path);
    }

    /** {@code POST /join/} with each peer's management address. */
    void join(NodeProcess... peers) throws IOException {
        StringBuilder form = new StringBuilder();
        for (NodeProcess p : peers) {
            form.append(form.length() == 0 ? "" : "&").append("peer=").append(p.mgmtAddr());
        }
        Reply r = http.postForm("http://" + mgmtAddr() + "/join/", form.toString());
        if (r.statusCode() != 200) {
            fail("join failed: " + r.statusCode() + " " + r.body());
        }
    }

    /** Every path of {@code /find/}; fails when the node does not answer it (see {@link #answersFind}). */
    Set<String> find() {
        try {
            Reply r = get("/find/");
            if (r.statusCode() != 200) {
                throw new AssertionError(name + ": GET /find/ answered " + r.statusCode() + ": " + r.body());
            }
            return new LinkedHashSet<>(r.body().lines().toList());
        } catch (IOException e) {
            throw new AssertionError(name + ": GET /find/ failed: " + e, e);
        }
    }

    /**
     * Whether {@code /find/} answers and {@code condition} holds for it: a node that does not answer meets no
     * condition, not even "lacks this path".
     */
    boolean answersFind(java.util.function.Predicate<Set<String>> condition) {
        try {
            return condition.test(find());
        } catch (AssertionError e) {
            return false;
        }
    }

    /** Where tests keep node logs: under the module's target directory, so a failure can be read after. */
    static Path logDir(Class<?> test) throws IOException {
        Path dir = Path.of(System.getProperty("user.dir"), "target", "node-logs", test.getSimpleName());
        if (Files.isDirectory(dir)) {
            try (var old = Files.list(dir)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** How many lines of the log contain {@code text}. */
    int logLines(String text) {
        return (int) log().lines().filter(l -> l.contains(text)).count();
    }

    /** {@code kill -9}: no shutdown hook runs, nothing is said goodbye to. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Sends a signal ({@code STOP}, {@code CONT}, ...) to the node's process. */
    void signal(String name) throws IOException, InterruptedException {
        org.dftp.netty.testing.Commands.run("kill", "-" + name, Long.toString(process.pid()));
    }

    /** A polite stop (SIGTERM, the shutdown hook closes the node), then a kill if it takes too long. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls {@code condition} every 20 ms until it holds; fails after {@code limit}. Returns the time it took. */
    static Duration await(String what, Duration limit, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + limit.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
