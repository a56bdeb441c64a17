package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/EMBEDDING.md's two examples, exactly as the page shows them: compiled against this module's test
 * class path (dftp-netty as a consumer gets it, without picocli), run on free ports, then stopped as the
 * first's comment says, by interrupting the main thread. The application is asked for a file and a
 * listing; the cluster node is joined to a runnable node over {@code POST /join/} and serves that node's file.
 */
@ExtendWith(NettyLeaks.class)
class EmbeddingDocTest {
    static final Path DOC = Path.of("..", "docs", "EMBEDDING.md").toAbsolutePath().normalize();
    static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
    static final Pattern CLASS_NAME = Pattern.compile("public class (\\w+)");

    @TempDir
    Path work;

    @Test
    void theDocumentedApplicationServesADirectory() throws Exception {
        List<String> blocks = javaBlocks();
        assertEquals(2, blocks.size(), "two java blocks in " + DOC + ": the application and the cluster node");
        String className = compile(blocks.get(0), work.resolve("classes"));
        Path classes = work.resolve("classes");

        Path served = Files.createDirectories(work.resolve("served/docs"));
        byte[] bytes = new byte[200_000];
        new Random(7).nextBytes(bytes);
        Files.write(served.resolve("report.bin"), bytes);
        Files.writeString(served.resolve("hello.txt"), "hello from the example\n");

        int port = freePort();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Thread app = runMain(loader, className, "embedding-example", failed, Integer.toString(port),
                    work.resolve("served").toString());
            try {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String base = "http://127.0.0.1:" + port;
                HttpResponse<byte[]> report = getWhenListening(client, base + "/fs/files/docs/report.bin", app, failed);
                assertEquals(200, report.statusCode());
                assertArrayEquals(bytes, report.body());
                HttpResponse<String> listing = client.send(HttpRequest.newBuilder(URI.create(base + "/fs/files/docs/"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(listing.body().contains("<a href=\"hello.txt\">hello.txt</a>"), listing.body());
                assertTrue(listing.body().contains("<td>share\n"), "owned by the example's node name");
                assertEquals("/files/docs/hello.txt\n", client.send(HttpRequest.newBuilder(
                        URI.create(base + "/find/?q=hello*")).build(), HttpResponse.BodyHandlers.ofString()).body());
            } finally {
                app.interrupt();
                app.join(Duration.ofSeconds(20).toMillis());
            }
            assertFalse(app.isAlive(), "the example stops when its main thread is interrupted");
            if (failed.get() != null) {
                throw new AssertionError("the example failed", failed.get());
            }
        }
    }

    @Test
    void theDocumentedClusterNodeServesAFileThatAnotherNodeOwns() throws Exception {
        Path classes = work.resolve("cluster-classes");
        String className = compile(javaBlocks().get(1), classes);
        Path mine = Files.createDirectories(work.resolve("mine"));
        Files.writeString(mine.resolve("mine.txt"), "the embedded node's\n");
        Path theirs = Files.createDirectories(work.resolve("theirs"));
        byte[] bytes = new byte[300_000];
        new Random(11).nextBytes(bytes);
        Files.write(theirs.resolve("theirs.bin"), bytes);
        HostPort any = HostPort.parse("127.0.0.1:0");
        int port = freePort();
        int mgmt = freePort();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try (DftpNode other = DftpNode.start(NodeConfig.defaults("other", theirs).withListen(any, any, null)
                .withMulticast(null));
             URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Thread app = runMain(loader, className, "embedding-cluster-example", failed, Integer.toString(port),
                    Integer.toString(mgmt), mine.toString());
            try {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String base = "http://127.0.0.1:" + port;
                assertEquals(200, getWhenListening(client, base + "/fs/mine.txt", app, failed).statusCode());
                HttpResponse<String> joined = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + mgmt + "/join/"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("peer=127.0.0.1:" + other.mgmtPort())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, joined.statusCode(), joined.body());
                String find = awaitLine(client, base + "/find/", "/theirs.bin");
                assertTrue(find.contains("/mine.txt\n"), find);
                HttpResponse<byte[]> proxied = client.send(HttpRequest.newBuilder(URI.create(base + "/fs/theirs.bin"))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, proxied.statusCode());
                assertArrayEquals(bytes, proxied.body(), "the other node's file, through the embedded one");
                awaitLine(client, "http://127.0.0.1:" + other.httpPort() + "/find/", "/mine.txt");
                String listing = client.send(HttpRequest.newBuilder(URI.create(base + "/fs/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(listing.contains("<td>other\n"), "the listing names the owner: " + listing);
            } finally {
                app.interrupt();
                app.join(Duration.ofSeconds(20).toMillis());
            }
            assertFalse(app.isAlive(), "the example stops when its main thread is interrupted");
            if (failed.get() != null) {
                throw new AssertionError("the example failed", failed.get());
            }
            // Its management port is closed with it: the close stopped the cluster services.
            assertThrows(IOException.class, () -> new java.net.Socket("127.0.0.1", mgmt).close());
        }
    }

    /** The {@code /find/} of {@code url}, once it lists {@code line} (a join's full update takes a moment). */
    private static String awaitLine(HttpClient client, String url, String line) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            String body = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (body.lines().anyMatch(line::equals) || System.nanoTime() > deadline) {
                assertTrue(body.lines().anyMatch(line::equals), url + " never listed " + line + ": " + body);
                return body;
            }
            Thread.sleep(50);
        }
    }

    private static List<String> javaBlocks() throws IOException {
        Matcher block = JAVA_BLOCK.matcher(Files.readString(DOC));
        List<String> out = new java.util.ArrayList<>();
        while (block.find()) {
            out.add(block.group(1));
        }
        return out;
    }

    /** Compiles one example into {@code classes} as a consumer would, warnings as errors; returns its class name. */
    private static String compile(String source, Path classes) throws IOException {
        Matcher name = CLASS_NAME.matcher(source);
        assertTrue(name.find(), "a public class in the example");
        String className = name.group(1);
        long lines = source.lines().count();
        assertTrue(lines <= 40, "about 30 lines, not " + lines);
        Path src = Files.createDirectories(classes.resolveSibling(classes.getFileName() + "-src"));
        Files.createDirectories(classes);
        Path file = Files.writeString(src.resolve(className + ".java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null,
                List.of("-classpath", testClassPath(), "-d", classes.toString(), "-Xlint:all", "-Werror"), null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(file.toFile())).call();
        assertTrue(compiled, diagnostics.toString());
        return className;
    }

    /** The example binds in its own time: asks until it answers (or died). */
    private static HttpResponse<byte[]> getWhenListening(HttpClient client, String url, Thread app,
                                                         AtomicReference<Throwable> failed) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (!app.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the example never answered", failed.get() != null ? failed.get() : e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Surefire runs tests from a manifest-only jar; it names the real class path in a property. */
    static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null ? cp : System.getProperty("java.class.path");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Runs the example's {@code main} on a thread of its own; what it throws, other than the interruption that
     * stops it, lands in {@code failed}.
     */
    private static Thread runMain(URLClassLoader loader, String className, String name,
                                  AtomicReference<Throwable> failed, String... args) throws ReflectiveOperationException {
        Method main = loader.loadClass(className).getMethod("main", String[].class);
        Thread app = new Thread(() -> {
            try {
                main.invoke(null, (Object) args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                if (!(e.getCause() instanceof InterruptedException)) {
                    failed.set(e.getCause());
                }
            } catch (ReflectiveOperationException e) {
                failed.set(e);
            }
        }, name);
        app.start();
        return app;
    }
}
