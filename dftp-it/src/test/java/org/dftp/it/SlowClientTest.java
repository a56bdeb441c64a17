package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.Offer;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that reads a 1 GiB file of another node slowly, over a raw socket, must not make the node
 * in the middle buffer the file: its heap and direct memory stay within {@link #BOUND} of where they
 * started, and it stays at most a few socket buffers ahead of the client. Drained, the file arrives
 * whole and byte-correct; a client that hangs up makes the proxy drop the owner's connection.
 *
 * <p>The gigabyte is a sparse file (with random 4 KiB marks every 64 MiB, so a misplaced or repeated
 * piece shows) owned by node b; node a serves it. Both nodes run in this JVM, and memory is measured
 * for the whole JVM: Netty's direct memory (its own counter and NIO's buffer pool) and the heap after a
 * full collection.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(120)
class SlowClientTest {
    static final long GIB = 1L << 30;
    static final long BOUND = 64L << 20;
    private static final int MARK = 4096;
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");

    @TempDir
    Path base;
    private DftpNode a;
    private DftpNode b;
    private Path big;

    @BeforeEach
    void start() throws Exception {
        Path bRoot = base.resolve("b");
        java.nio.file.Files.createDirectories(bRoot);
        java.nio.file.Files.createDirectories(base.resolve("a"));
        big = bRoot.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(GIB);
            Random r = new Random(5);
            byte[] mark = new byte[MARK];
            for (long off = 0; off < GIB; off += 64L << 20) {
                r.nextBytes(mark);
                f.seek(off + 12345);
                f.write(mark);
            }
        }
        b = DftpNode.start(NodeConfig.defaults("b", bRoot).withListen(ANY, ANY, null).withMulticast(null));
        a = DftpNode.start(NodeConfig.defaults("a", base.resolve("a")).withListen(ANY, ANY, null).withMulticast(null));
        a.cluster().join(List.of(new HostPort("127.0.0.1", b.mgmtPort()))).block(Duration.ofSeconds(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (a.store().snapshot().tree().lookup(DfsPath.of("big.bin")) == null) {
            assertTrue(System.nanoTime() < deadline, "a never learned b's big.bin");
            Thread.sleep(10);
        }
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void slowClientOfAGigabyteKeepsTheProxyBoundedThenGetsEveryByte() throws Exception {
        Memory before = Memory.afterGc();
        try (Socket s = new Socket("127.0.0.1", a.httpPort()); RandomAccessFile file = new RandomAccessFile(big.toFile(), "r")) {
            s.setReceiveBufferSize(64 * 1024);
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET /fs/big.bin HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = headers(in);
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            assertTrue(head.toLowerCase().contains("content-length: " + GIB), head);

            // Slowly: 64 KiB every 20 ms (about 3 MB/s) for 3 s, the proxy's memory sampled all along.
            Checker check = new Checker(file);
            byte[] buf = new byte[64 * 1024];
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            long worstDirect = 0;
            long worstLead = 0;
            while (System.nanoTime() < until) {
                int n = in.read(buf);
                assertTrue(n > 0, "the body ended after " + check.position + " bytes");
                check.next(buf, n);
                Thread.sleep(20);
                worstDirect = Math.max(worstDirect, Memory.now().direct - before.direct);
                worstLead = Math.max(worstLead, a.metrics().bytesServedProxied.sum() - check.position);
            }
            Memory slow = Memory.afterGc();
            String figures = "before " + before + ", while slow " + slow + ", worst direct growth "
                    + mib(worstDirect) + ", worst lead of the proxy " + mib(worstLead) + ", client read "
                    + mib(check.position);
            System.out.println("SlowClientTest: " + figures);
            assertTrue(worstDirect < BOUND, "direct memory grew by " + mib(worstDirect) + ": " + figures);
            assertTrue(slow.heap - before.heap < BOUND, "heap grew: " + figures);
            assertTrue(worstLead < 32L << 20, "the proxy ran ahead of its client: " + figures);

            // Now drain it all: back-pressure must let go, and every byte must be the file's.
            for (int n; check.position < GIB && (n = in.read(buf)) > 0; ) {
                check.next(buf, n);
            }
            assertEquals(GIB, check.position, "bytes of the body");
        }
        Memory after = Memory.afterGc();
        assertTrue(after.heap - before.heap < BOUND, "heap after: " + before + " -> " + after);
        assertTrue(after.direct - before.direct < BOUND, "direct memory after: " + before + " -> " + after);
    }

    @Test
    void clientHangingUpMakesTheProxyDropTheOwnersConnection() throws Exception {
        // The owner is a fake that writes a gigabyte of zeros and tells how far it got before its socket failed.
        try (ServerSocket owner = new ServerSocket(0)) {
            a.store().publish(new Event.PeerSeen(NodeInfo.of("gone", "127.0.0.1:" + owner.getLocalPort(),
                    "127.0.0.1:1"), 100)).join();
            a.store().publish(new Event.UpdateReceived("gone", false, 100, List.of(
                    Change.offer(DfsPath.of("gone.bin"), Offer.of("gone", 0644, GIB, 100, 100))))).join();
            CompletableFuture<Long> written = CompletableFuture.supplyAsync(() -> serveZeros(owner));

            try (Socket s = new Socket("127.0.0.1", a.httpPort())) {
                s.setReceiveBufferSize(64 * 1024);
                s.getOutputStream().write("GET /fs/gone.bin HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                assertTrue(headers(in).startsWith("HTTP/1.1 200 "));
                byte[] buf = new byte[64 * 1024];
                for (long got = 0; got < 1 << 20; ) {
                    got += in.read(buf);
                    Thread.sleep(5);
                }
            }
            long ownerWrote = written.get(15, TimeUnit.SECONDS);
            assertTrue(ownerWrote < BOUND, "the owner wrote " + mib(ownerWrote) + " before the proxy let go");
        }
        assertEquals(200, Web.get("http://127.0.0.1:" + a.httpPort() + "/").statusCode(), "a goes on serving");
    }

    /** Answers one request with a 1 GiB body of zeros; returns the bytes written when the socket failed. */
    private static long serveZeros(ServerSocket server) {
        long written = 0;
        try (Socket s = server.accept()) {
            headers(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + GIB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] zeros = new byte[64 * 1024];
            while (written < GIB) {
                out.write(zeros);
                written += zeros.length;
            }
            return GIB; // never cut
        } catch (IOException e) {
            return written;
        }
    }

    private static String headers(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed in the headers: " + head);
            }
            head.write(c);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Compares what arrives with the file at the same offset. */
    private static final class Checker {
        final RandomAccessFile file;
        final byte[] expected = new byte[64 * 1024];
        long position;

        Checker(RandomAccessFile file) {
            this.file = file;
        }

        void next(byte[] got, int n) throws IOException {
            file.seek(position);
            file.readFully(expected, 0, n);
            int at = Arrays.mismatch(got, 0, n, expected, 0, n);
            assertEquals(-1, at, "byte " + (position + at) + " differs from the file");
            position += n;
        }
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    /** The JVM's heap in use and its direct memory (Netty's no-cleaner counter plus NIO's pool). */
    record Memory(long heap, long direct, long pooledDirect) {
        static Memory now() {
            long nio = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
            long netty = Math.max(0, PlatformDependent.usedDirectMemory());
            long allocator = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
                    ? p.metric().usedDirectMemory() : PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
            return new Memory(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), nio + netty, allocator);
        }

        static Memory afterGc() throws InterruptedException {
            System.gc();
            Thread.sleep(50);
            return now();
        }

        @Override
        public String toString() {
            return "heap " + mib(heap) + ", direct " + mib(direct) + " (allocator " + mib(pooledDirect) + ")";
        }
    }
}
