package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.dftp.core.auth.PasswordHash;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.auth.Users;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.write.LocalWrites;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.dav.DavContext;
import org.dftp.netty.dav.DavHandler;
import org.dftp.netty.testing.EmbeddedHttp;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code PUT} whose client stops sending halfway, on the production pipeline: when the connection has been
 * idle for {@link PublicHttpInitializer#IDLE_SECONDS} (the idle event is fired by hand here), the upload must
 * not hold the connection and its temp file for ever.
 */
@ExtendWith(NettyLeaks.class)
class StalledUploadTest {
    @TempDir
    Path dir;
    private final DefaultEventExecutorGroup io = new DefaultEventExecutorGroup(1);

    @AfterEach
    void stop() {
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aStalledUploadIsClosedWhenTheConnectionIdles() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        EmbeddedHttp http = new EmbeddedHttp(context(root));
        String auth = Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        http.channel.writeInbound(Unpooled.copiedBuffer("PUT /fs/f.bin HTTP/1.1\r\nHost: t\r\nAuthorization: Basic "
                + auth + "\r\nContent-Length: 1000000\r\n\r\n" + "x".repeat(1000), StandardCharsets.ISO_8859_1));
        http.channel.runPendingTasks();
        await(() -> !temps(root).isEmpty(), "the upload started");
        assertTrue(http.channel.isOpen());

        try {
            http.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
            http.channel.runPendingTasks();
            assertFalse(http.channel.isOpen(), "a stalled upload is closed like an idle connection");
            await(() -> temps(root).isEmpty(), "and its temp file removed");
        } finally {
            http.channel.close();
            http.channel.runPendingTasks();
            http.channel.finishAndReleaseAll();
        }
    }

    @Test
    void anUploadCutOffByTheClientLeavesNothing() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        EmbeddedHttp http = new EmbeddedHttp(context(root));
        String auth = Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        http.channel.writeInbound(Unpooled.copiedBuffer("PUT /fs/f.bin HTTP/1.1\r\nHost: t\r\nAuthorization: Basic "
                + auth + "\r\nContent-Length: 1000000\r\n\r\n" + "x".repeat(1000), StandardCharsets.ISO_8859_1));
        http.channel.runPendingTasks();
        await(() -> !temps(root).isEmpty(), "the upload started");
        http.channel.close();
        http.channel.runPendingTasks();
        await(() -> temps(root).isEmpty(), "the temp file is removed");
        assertEquals(List.of(), temps(root));
        assertFalse(Files.exists(root.resolve("f.bin")));
        http.channel.finishAndReleaseAll();
    }

    private DfsHttpContext context(Path root) throws Exception {
        Path usersFile = dir.resolve("users");
        Files.writeString(usersFile, "alice:" + hash("secret") + ":write\n");
        LocalRoot local = LocalRoot.of(root, DfsPath.ROOT);
        LocalWrites writes = new LocalWrites(local, changed -> { });
        DavHandler dav = new DavHandler(() -> DfsTree.EMPTY, "ga", new DavContext(writes, null, 0, io), true);
        Access access = new Access(Users.load(usersFile), true, new LoginThrottle(), a -> false, Runnable::run);
        return new DfsHttpContext(() -> DfsTree.EMPTY, "ga", local, RemoteFiles.NONE, new NodeMetrics(), access, dav);
    }

    private static String hash(String password) throws Exception {
        return PasswordHash.hash(password.toCharArray(), PasswordHash.MIN_ITERATIONS);
    }

    private static List<Path> temps(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(LocalRoot.TEMP_PREFIX)).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within 2 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
