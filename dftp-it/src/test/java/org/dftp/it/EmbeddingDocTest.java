package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/EMBEDDING.md's example application, exactly as the page shows it: compiled against this module's
 * test class path (dftp-netty as a consumer gets it, without picocli), run on a free port, asked for a
 * file and a listing, then stopped as its comment says, by interrupting its main thread.
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
        Matcher block = JAVA_BLOCK.matcher(Files.readString(DOC));
        assertTrue(block.find(), "a ```java block in " + DOC);
        String source = block.group(1);
        assertFalse(block.find(), "one java block, the example");
        Matcher name = CLASS_NAME.matcher(source);
        assertTrue(name.find(), "a public class in the example");
        String className = name.group(1);
        long lines = source.lines().count();
        assertTrue(lines <= 40, "about 30 lines, not " + lines);

        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        Path file = Files.writeString(src.resolve(className + ".java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null,
                List.of("-classpath", testClassPath(), "-d", classes.toString(), "-Xlint:all", "-Werror"), null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(file.toFile())).call();
        assertTrue(compiled, diagnostics.toString());

        Path served = Files.createDirectories(work.resolve("served/docs"));
        byte[] bytes = new byte[200_000];
        new Random(7).nextBytes(bytes);
        Files.write(served.resolve("report.bin"), bytes);
        Files.writeString(served.resolve("hello.txt"), "hello from the example\n");

        int port = freePort();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Method main = loader.loadClass(className).getMethod("main", String[].class);
            Thread app = new Thread(() -> {
                try {
                    main.invoke(null, (Object) new String[] {Integer.toString(port), work.resolve("served").toString()});
                } catch (java.lang.reflect.InvocationTargetException e) {
                    if (!(e.getCause() instanceof InterruptedException)) {
                        failed.set(e.getCause());
                    }
                } catch (ReflectiveOperationException e) {
                    failed.set(e);
                }
            }, "embedding-example");
            app.start();
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
}
