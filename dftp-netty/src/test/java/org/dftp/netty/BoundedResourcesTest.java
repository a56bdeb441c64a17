package org.dftp.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded resources of docs/RELIABILITY.md against a whole node on real sockets: half-sent requests,
 * idle connections, clients that stop reading, and many connections from one address cannot wear the
 * ports out. The limits are set small so that each test takes a few seconds.
 */
@ExtendWith(NettyLeaks.class)
class BoundedResourcesTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long BIG = 200L << 20;
    private static final int STEADY = 4 << 20;

    @TempDir
    Path dir;
    private DftpNode node;
    private final List<Socket> sockets = new ArrayList<>();

    private void start(NodeConfig.Limits limits) throws IOException {
        try (RandomAccessFile big = new RandomAccessFile(dir.resolve("big.bin").toFile(), "rw")) {
            big.setLength(BIG); // sparse: sent with sendfile all the same
        }
        byte[] steady = new byte[STEADY];
        new Random(7).nextBytes(steady);
        Files.write(dir.resolve("steady.bin"), steady);
        node = DftpNode.start(NodeConfig.defaults("limits", dir)
                .withListen(HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null)
                .withMulticast(null)
                .withLimits(limits));
    }

    private static NodeConfig.Limits limits(Duration header, Duration idle, Duration send, int perAddress) {
        return NodeConfig.Limits.DEFAULTS.withHttpTimeouts(header, idle, send).withMaxConnectionsPerAddress(perAddress);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void halfSentRequestsToTheManagementPortGet408AfterTheHeaderTimeoutAndThePortStillAnswers() throws Exception {
        start(limits(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(1), 400));
        List<Socket> half = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Socket s = open(InetAddress.getLoopbackAddress(), node.mgmtPort());
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            half.add(s);
        }
        assertEquals(200, get("http://127.0.0.1:" + node.mgmtPort() + "/healthz").statusCode(),
                "the port answers while they wait");
        for (Socket s : half) {
            String answer = new String(readToEnd(s.getInputStream()), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        }
        assertEquals(200, get("http://127.0.0.1:" + node.mgmtPort() + "/healthz").statusCode());
        assertTrue(metrics().contains("dftp_header_timeouts_total 300"), "each 408 counted");
    }

    @Test
    void halfSentRequestsToThePublicPortGet408() throws Exception {
        start(limits(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(1), 16));
        Socket s = open(InetAddress.getLoopbackAddress(), node.httpPort());
        s.getOutputStream().write("GET /fs/ HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer = new String(readToEnd(s.getInputStream()), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        assertEquals(200, get("http://127.0.0.1:" + node.httpPort() + "/fs/").statusCode());
    }

    @Test
    void idleConnectionsAreClosedOnBothPorts() throws Exception {
        start(limits(Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofMinutes(1), 16));
        for (int port : new int[] {node.mgmtPort(), node.httpPort()}) {
            Socket silent = open(InetAddress.getLoopbackAddress(), port);
            assertEquals(0, readToEnd(silent.getInputStream()).length, "closed without a word");
            Socket kept = open(InetAddress.getLoopbackAddress(), port);
            String path = port == node.mgmtPort() ? "/healthz" : "/fs/";
            kept.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(readToEnd(kept.getInputStream()), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), "answered, then closed when idle: " + answer);
        }
    }

    @Test
    void aClientThatStopsReadingIsCutWhileASteadyReaderCompletes() throws Exception {
        start(limits(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(1), 16));
        Socket stalled = new Socket();
        sockets.add(stalled);
        stalled.setReceiveBufferSize(16 * 1024);
        stalled.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.httpPort()), 5000);
        stalled.setSoTimeout(10_000);
        stalled.getOutputStream().write("GET /fs/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        // Meanwhile a slow reader that keeps reading gets the whole of a file that takes longer than the timeout.
        Socket steady = new Socket();
        sockets.add(steady);
        steady.setReceiveBufferSize(16 * 1024);
        steady.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.httpPort()), 5000);
        steady.setSoTimeout(10_000);
        steady.getOutputStream().write(("GET /fs/steady.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = steady.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        long began = System.nanoTime();
        for (int n; (n = in.read(buf)) > 0; ) {
            got.write(buf, 0, n);
            Thread.sleep(10);
        }
        long tookMillis = (System.nanoTime() - began) / 1_000_000;
        byte[] whole = got.toByteArray();
        assertTrue(whole.length > STEADY, "the steady reader got the whole file: " + whole.length);
        byte[] body = java.util.Arrays.copyOfRange(whole, whole.length - STEADY, whole.length);
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("steady.bin")), body));

        // The stalled one has been cut: what the sockets held, then the end.
        long received = readToEnd(stalled.getInputStream()).length;
        assertTrue(received < BIG, "cut after " + received + " bytes (the steady download took " + tookMillis + " ms)");
        assertTrue(metrics().contains("dftp_stalled_readers_cut_total 1"), "the cut counted");
    }

    @Test
    void oneAddressHoldsAtMostItsShareOfEitherPort() throws Exception {
        start(limits(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1), 3));
        InetAddress one = InetAddress.getByName("127.0.0.1");
        InetAddress two = InetAddress.getByName("127.0.0.2"); // loopback too, on Linux
        for (int port : new int[] {node.mgmtPort(), node.httpPort()}) {
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                // Answered, so surely counted before the fourth: connections start on several event loops.
                Socket s = open(one, port);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(firstLine(s.getInputStream()).startsWith("HTTP/1.1 "));
                held.add(s);
            }
            Socket fourth = open(one, port);
            String answer;
            try {
                answer = new String(readToEnd(fourth.getInputStream()), StandardCharsets.US_ASCII);
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError((port == node.httpPort() ? "public" : "mgmt") + ": no answer", e);
            }
            assertTrue(answer.startsWith("HTTP/1.1 503 "), (port == node.httpPort() ? "public: " : "mgmt: ") + answer);
            Socket other = open(two, port);
            other.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            answer = new String(readToEnd(other.getInputStream()), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 "), "another address is served: " + answer);
            assertTrue(!answer.startsWith("HTTP/1.1 503 "), answer);
            held.get(0).close();
            Socket again = null;
            for (int attempt = 0; attempt < 100; attempt++) { // the server sees the close a moment later
                again = open(one, port);
                again.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                answer = new String(readToEnd(again.getInputStream()), StandardCharsets.US_ASCII);
                if (!answer.startsWith("HTTP/1.1 503 ")) {
                    break;
                }
                Thread.sleep(20);
            }
            assertTrue(!answer.startsWith("HTTP/1.1 503 "), "a freed place is taken again: " + answer);
            for (Socket s : held) {
                s.close();
            }
        }
        assertTrue(metrics().matches("(?s).*dftp_connections_refused_per_address_total [1-9].*"), "refusals counted");
    }

    private Socket open(InetAddress from, int port) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            b.append((char) c);
        }
        return b.toString();
    }

    /** Everything until the server closes; a reset after the close counts as the end too. */
    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (SocketException e) {
            if (!String.valueOf(e.getMessage()).contains("reset")) {
                throw e;
            }
        }
        return out.toByteArray();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String metrics() throws Exception {
        return get("http://127.0.0.1:" + node.mgmtPort() + "/metrics").body();
    }
}
