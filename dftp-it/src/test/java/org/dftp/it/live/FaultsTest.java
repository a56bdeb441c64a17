package org.dftp.it.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults with nodes as processes: an owner killed mid-download, a file truncated or replaced while it is
 * served, a node stopped ({@code SIGSTOP}) past the failure timeout and continued, and every node of a
 * cluster killed and restarted at once. For each: what the client saw (a failed transfer, never a short
 * one that looks whole), what the cluster converged to and how fast, and that the nodes kept serving.
 */
@Timeout(180)
class FaultsTest {
    private static final String[] LIVENESS = {"-ping-interval=300ms", "-ping-failures=3"};
    /** {@code 300 ms x (3 + 1)} and what the test adds (the signal, the store, the 20 ms poll). */
    private static final Duration REMOVAL = Duration.ofMillis(300 * 4 + 700);
    private static final int BIG = 64 << 20;

    @TempDir
    Path tmp;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private Path logs;

    @BeforeEach
    void logs() throws Exception {
        logs = NodeProcess.logDir(getClass());
    }

    @AfterEach
    void stop() {
        for (NodeProcess n : nodes) {
            n.close();
            assertFalse(n.log().contains("LEAK:"), n.name + " leaked a buffer:\n" + n.log());
        }
    }

    private NodeProcess node(String name, String... files) throws Exception {
        Path root = Files.createDirectories(tmp.resolve(name));
        for (String f : files) {
            Files.writeString(root.resolve(f), "from " + name);
        }
        NodeProcess n = NodeProcess.local(name, root, logs, LIVENESS);
        nodes.add(n);
        return n.launch();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void anOwnerKilledMidDownloadIsAFailedTransferNeverAShortOne() throws Exception {
        NodeProcess a = node("a", "a.txt").awaitUp();
        NodeProcess b = node("b", "b.txt").awaitUp();
        Files.write(b.root.resolve("big.bin"), random(BIG, 1));
        a.join(b);
        NodeProcess.await("a has b's big file", Duration.ofSeconds(15), () -> a.answersFind(f -> f.contains("/big.bin")));
        try (Transfer t = Transfer.start(a, "/fs/big.bin")) {
            t.read(1 << 20);
            b.kill();
            Transfer.Outcome o = t.rest(Duration.ofSeconds(15));
            assertEquals(200, o.status());
            assertFalse(o.complete(), "a download cut by the owner's death must not look whole: " + o);
            assertTrue(o.ended(), "the client is told (the connection ends) within the bound: " + o);
            System.out.println("FaultsTest: owner killed mid-download: the client got " + o);
        }
        NodeProcess.await("b's files leave a", REMOVAL, () -> a.answersFind(f -> !f.contains("/big.bin")));
        assertEquals("from a", a.get("/fs/a.txt").body(), "a goes on serving");
    }

    @Test
    void aFileTruncatedWhileServedEndsTheTransferShortAndOneReplacedIsServedWholeAsItWas() throws Exception {
        NodeProcess a = node("a", "a.txt").awaitUp();
        byte[] old = random(BIG, 2);
        Path file = a.root.resolve("big.bin");
        Files.write(file, old);
        NodeProcess.await("a lists its big file", Duration.ofSeconds(15), () -> a.answersFind(f -> f.contains("/big.bin")));
        try (Transfer t = Transfer.start(a, "/fs/big.bin")) {
            t.read(1 << 20);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(2 << 20);
            }
            Transfer.Outcome o = t.rest(Duration.ofSeconds(15));
            assertEquals(200, o.status());
            assertEquals(BIG, o.contentLength(), "the length was promised before the file shrank");
            assertFalse(o.complete(), "a file that shrank must not be passed off as whole: " + o);
            assertTrue(o.ended(), o.toString());
            System.out.println("FaultsTest: file truncated while served: the client got " + o);
        }
        assertEquals(2 << 20, Files.size(file), "nothing but the truncation happened to the file");

        Files.write(file, old);
        NodeProcess.await("a has the file back at its size", Duration.ofSeconds(15),
                () -> a.answersFind(f -> f.contains("/big.bin")));
        Thread.sleep(500); // the watcher settles the rewrite
        try (Transfer t = Transfer.start(a, "/fs/big.bin")) {
            t.read(1 << 20);
            Path replacement = a.root.resolve("replacement.tmp");
            Files.write(replacement, random(BIG, 3));
            Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Transfer.Outcome o = t.rest(Duration.ofSeconds(30));
            assertTrue(o.complete(), "a file replaced by a rename is served whole, as it was when opened: " + o);
            assertArrayEquals(sha256(old), sha256(t.body()), "the old content, not a mix");
        }
        assertEquals("from a", a.get("/fs/a.txt").body(), "a goes on serving");
    }

    @Test
    void aStoppedNodeIsRemovedWithinThePingBoundAndComesBackWhenContinued() throws Exception {
        NodeProcess a = node("a", "a.txt").awaitUp();
        NodeProcess b = node("b", "b.txt").awaitUp();
        a.join(b);
        NodeProcess.await("a and b see each other's files", Duration.ofSeconds(15),
                () -> a.answersFind(f -> f.contains("/b.txt")) && b.answersFind(f -> f.contains("/a.txt")));
        b.signal("STOP");
        Duration gone;
        try {
            gone = NodeProcess.await("a drops the stopped b's files", REMOVAL,
                    () -> a.answersFind(f -> !f.contains("/b.txt")));
            assertEquals(404, a.get("/fs/b.txt").statusCode(), "a stopped owner's file is gone, not hanging");
        } finally {
            b.signal("CONT");
        }
        Duration back = NodeProcess.await("b's files come back to a", Duration.ofSeconds(20),
                () -> a.answersFind(f -> f.contains("/b.txt")) && b.answersFind(f -> f.contains("/a.txt")));
        assertEquals("from b", a.get("/fs/b.txt").body());
        System.out.println("FaultsTest: SIGSTOP: b's files left a " + gone.toMillis() + " ms after the stop, came back "
                + back.toMillis() + " ms after the continue");
    }

    @Test
    void aClusterKilledAndRestartedAtOnceConvergesToTheSameTreeOnEveryNode() throws Exception {
        NodeProcess a = node("a", "a.txt").awaitUp();
        NodeProcess b = node("b", "b.txt").awaitUp();
        NodeProcess c = node("c", "c.txt").awaitUp();
        a.join(b, c);
        Set<String> all = Set.of("/a.txt", "/b.txt", "/c.txt");
        NodeProcess.await("the cluster converges", Duration.ofSeconds(20), () -> same(all, a, b, c));
        for (NodeProcess n : List.of(a, b, c)) {
            n.kill();
        }
        for (NodeProcess n : List.of(a, b, c)) {
            n.launch();
        }
        for (NodeProcess n : List.of(a, b, c)) {
            n.awaitUp();
        }
        // Peers are not remembered across a restart: one join (as an operator's script or multicast gives it).
        a.join(b, c);
        Duration took = NodeProcess.await("the restarted cluster converges", Duration.ofSeconds(15),
                () -> same(all, a, b, c));
        System.out.println("FaultsTest: all nodes restarted at once: the same tree everywhere "
                + took.toMillis() + " ms after the join");
        for (NodeProcess n : List.of(a, b, c)) {
            assertEquals("from b", n.get("/fs/b.txt").body(), n.name + " serves b's file");
        }
    }

    private static boolean same(Set<String> expected, NodeProcess... nodes) {
        for (NodeProcess n : nodes) {
            if (!n.answersFind(f -> new HashSet<>(f).equals(expected))) {
                return false;
            }
        }
        return true;
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /**
     * A download over a raw socket that the test reads at its own pace: a client that stopped reading
     * while a fault happens, then reads on to see how the transfer ends.
     */
    private static final class Transfer implements AutoCloseable {
        /** How it ended: whether all the promised bytes came, and whether the connection ended at all. */
        record Outcome(int status, long contentLength, long received, boolean complete, boolean ended) {
        }

        private final Socket socket;
        private final InputStream in;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;
        private long contentLength = -1;

        private Transfer(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        static Transfer start(NodeProcess n, String path) throws IOException {
            Socket s = new Socket();
            s.setReceiveBufferSize(64 * 1024); // so that the node, not this socket, holds the rest
            s.connect(new InetSocketAddress("127.0.0.1", n.httpPort), 5000);
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            Transfer t = new Transfer(s);
            t.readHead();
            return t;
        }

        private void readHead() throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed in the headers: " + head);
                }
                head.append((char) c);
            }
            status = Integer.parseInt(head.substring(9, 12));
            for (String line : head.toString().split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    contentLength = Long.parseLong(line.substring(15).trim());
                }
            }
        }

        /** Reads {@code n} bytes of the body, then stops reading. */
        void read(int n) throws IOException {
            byte[] buf = new byte[64 * 1024];
            while (body.size() < n) {
                int r = in.read(buf, 0, Math.min(buf.length, n - body.size()));
                if (r < 0) {
                    throw new IOException("ended after " + body.size() + " bytes");
                }
                body.write(buf, 0, r);
            }
        }

        /** Reads on until the connection ends, for at most {@code limit}. */
        Outcome rest(Duration limit) throws IOException {
            long deadline = System.nanoTime() + limit.toNanos();
            byte[] buf = new byte[256 * 1024];
            boolean ended = false;
            try {
                while (System.nanoTime() < deadline) {
                    int r = in.read(buf);
                    if (r < 0) {
                        ended = true;
                        break;
                    }
                    body.write(buf, 0, r);
                }
            } catch (SocketTimeoutException e) {
                ended = false;
            } catch (java.net.SocketException e) {
                ended = true; // reset: the client knows
            }
            boolean complete = contentLength >= 0 ? body.size() == contentLength
                    : endsWithLastChunk(body.toByteArray());
            return new Outcome(status, contentLength, body.size(), complete, ended);
        }

        byte[] body() {
            return body.toByteArray();
        }

        private static boolean endsWithLastChunk(byte[] b) {
            String tail = new String(b, Math.max(0, b.length - 5), Math.min(5, b.length), StandardCharsets.ISO_8859_1);
            return tail.equals("0\r\n\r\n");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
