package org.dftp.netty.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dftp.netty.HostPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The peer client's HTTP/1.1 against a scripted server: what it sends, and what it makes of answers a
 * dftp node gives and of some it must not trust.
 */
@Timeout(20)
class PeerBodyStreamTest {
    private static final byte[] BODY = new byte[700_000];

    static {
        new Random(5).nextBytes(BODY);
    }

    private final List<ServerSocket> servers = new ArrayList<>();
    private final CompletableFuture<String> request = new CompletableFuture<>();

    @AfterEach
    void close() throws IOException {
        for (ServerSocket s : servers) {
            s.close();
        }
    }

    /** Serves one connection: reads the request head, then writes {@code parts}, then hangs up (or not). */
    private HostPort serve(boolean hangUp, byte[]... parts) throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        servers.add(server);
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    head.write(in.read());
                }
                request.complete(head.toString(StandardCharsets.ISO_8859_1));
                OutputStream out = s.getOutputStream();
                for (byte[] p : parts) {
                    out.write(p);
                    out.flush();
                    Thread.sleep(5);
                }
                if (!hangUp) {
                    Thread.sleep(10_000);
                }
            } catch (IOException | InterruptedException e) {
                // the client went away: that is the client's business
            }
        });
        t.setDaemon(true);
        t.start();
        return new HostPort("127.0.0.1", server.getLocalPort());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static PeerBodyStream get(HostPort owner, long offset) throws IOException {
        return PeerBodyStream.get(owner, "/fs/a%20b?redirN=1", offset, 2000, 1000, 1000);
    }

    @Test
    void sendsOneGetWithItsRangeAndReadsABodyOfContentLength() throws Exception {
        byte[] tail = Arrays.copyOfRange(BODY, 100, BODY.length);
        HostPort owner = serve(true, ascii("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 100-"
                + (BODY.length - 1) + "/" + BODY.length + "\r\ncontent-length: " + tail.length + "\r\n\r\n"),
                Arrays.copyOfRange(tail, 0, 10), Arrays.copyOfRange(tail, 10, tail.length));
        try (PeerBodyStream in = get(owner, 100)) {
            assertEquals(206, in.status());
            assertArrayEquals(tail, in.readAllBytes());
        }
        String sent = request.get(5, TimeUnit.SECONDS);
        assertTrue(sent.startsWith("GET /fs/a%20b?redirN=1 HTTP/1.1\r\n"), sent);
        assertTrue(sent.contains("\r\nHost: " + owner + "\r\n"), sent);
        assertTrue(sent.contains("\r\nRange: bytes=100-\r\n"), sent);
        assertTrue(sent.contains("\r\nConnection: close\r\n"), sent);
    }

    @Test
    void lendsItsBuffersAndStopsAtContentLengthWhateverFollows() throws Exception {
        byte[] head = ascii("HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length + "\r\n\r\n");
        byte[] all = new byte[head.length + BODY.length + 5];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(BODY, 0, all, head.length, BODY.length);
        try (PeerBodyStream in = get(serve(true, all), 0)) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (ByteBuffer b = in.nextBuffer(); b != null; b = in.nextBuffer()) {
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                got.write(chunk);
            }
            assertArrayEquals(BODY, got.toByteArray());
            assertNull(in.nextBuffer());
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aBodyWithoutLengthEndsWithTheConnection() throws Exception {
        try (PeerBodyStream in = get(serve(true, ascii("HTTP/1.1 200 OK\r\n\r\n"), BODY), 0)) {
            assertArrayEquals(BODY, in.readAllBytes());
        }
    }

    @Test
    void aBodyCutShortIsAnError() throws Exception {
        HostPort owner = serve(true, ascii("HTTP/1.1 200 OK\r\nContent-Length: " + (BODY.length + 1) + "\r\n\r\n"), BODY);
        try (PeerBodyStream in = get(owner, 0)) {
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertTrue(e.getMessage().contains("1 bytes before the end"), e.getMessage());
        }
    }

    @Test
    void anOwnerThatFallsSilentTimesOut() throws Exception {
        HostPort owner = serve(false, ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345"));
        try (PeerBodyStream in = get(owner, 0)) {
            assertEquals(5, in.readNBytes(5).length);
            assertThrows(SocketTimeoutException.class, in::read);
        }
        HostPort mute = serve(false);
        assertThrows(SocketTimeoutException.class, () -> get(mute, 0), "no head within the headers timeout");
    }

    @Test
    void answersItCannotTrustAreRefused() throws Exception {
        HostPort chunked = serve(true, ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
        assertThrows(IOException.class, () -> get(chunked, 0));
        HostPort wrongRange = serve(true, ascii("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-9/10\r\n"
                + "Content-Length: 10\r\n\r\n0123456789"));
        assertThrows(IOException.class, () -> get(wrongRange, 5));
        HostPort notHttp = serve(true, ascii("SSH-2.0-OpenSSH\r\n\r\n"));
        assertThrows(IOException.class, () -> get(notHttp, 0));
        HostPort hugeHead = serve(true, ascii("HTTP/1.1 200 OK\r\nX: " + "x".repeat(70_000) + "\r\n\r\n"));
        assertThrows(IOException.class, () -> get(hugeHead, 0));
    }

    @Test
    void anErrorStatusIsReportedWithoutItsBody() throws Exception {
        try (PeerBodyStream in = get(serve(true, ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope")), 0)) {
            assertEquals(404, in.status());
        }
    }

    @Test
    void skipsThroughWholeBuffers() throws Exception {
        HostPort owner = serve(true, ascii("HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length + "\r\n\r\n"), BODY);
        try (PeerBodyStream in = get(owner, 0)) {
            in.skipNBytes(600_001);
            assertArrayEquals(Arrays.copyOfRange(BODY, 600_001, BODY.length), in.readAllBytes());
        }
    }

    /** A connected pair on loopback: [0] the side transferTo writes to (blocking), [1] the reader's. */
    private static SocketChannel[] socketPair() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel a = SocketChannel.open(server.getLocalAddress());
            return new SocketChannel[] {a, server.accept()};
        }
    }

    /** Reads everything {@code from} gets until it is closed, on a thread of its own. */
    private static CompletableFuture<byte[]> drain(SocketChannel from) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = java.nio.channels.Channels.newInputStream(from)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void splicesTheBodyFromTheOwnersSocketToTheClientsAfterWhatCameWithTheHead() throws Exception {
        assertTrue(SocketSplice.available(), "surefire exports sun.nio.ch as the jar's manifest does");
        byte[] head = ascii("HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length + "\r\n\r\n");
        byte[] first = new byte[head.length + 1000]; // the head and the body's first bytes in one packet
        System.arraycopy(head, 0, first, 0, head.length);
        System.arraycopy(BODY, 0, first, head.length, 1000);
        HostPort owner = serve(true, first, Arrays.copyOfRange(BODY, 1000, BODY.length), ascii("trailing junk"));
        SocketChannel[] pair = socketPair();
        CompletableFuture<byte[]> got = drain(pair[1]);
        java.util.concurrent.atomic.AtomicLong progress = new java.util.concurrent.atomic.AtomicLong();
        try (PeerBodyStream in = get(owner, 0)) {
            assertEquals(BODY.length, in.transferTo(pair[0], progress::addAndGet));
        }
        pair[0].close();
        assertArrayEquals(BODY, got.get(10, TimeUnit.SECONDS));
        assertEquals(BODY.length, progress.get());
    }

    @Test
    void aSplicedBodyWithoutLengthEndsWithTheConnection() throws Exception {
        SocketChannel[] pair = socketPair();
        CompletableFuture<byte[]> got = drain(pair[1]);
        try (PeerBodyStream in = get(serve(true, ascii("HTTP/1.1 200 OK\r\n\r\n"), BODY), 0)) {
            assertEquals(BODY.length, in.transferTo(pair[0], n -> { }));
        }
        pair[0].close();
        assertArrayEquals(BODY, got.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aSplicedBodyCutShortFailsAsTheOwnersFaultNotTheClients() throws Exception {
        HostPort owner = serve(true, ascii("HTTP/1.1 200 OK\r\nContent-Length: " + (BODY.length + 1) + "\r\n\r\n"), BODY);
        SocketChannel[] pair = socketPair();
        drain(pair[1]);
        try (PeerBodyStream in = get(owner, 0)) {
            IOException e = assertThrows(IOException.class, () -> in.transferTo(pair[0], n -> { }));
            assertFalse(e instanceof java.net.SocketException, "FTP answers 426 to a SocketException: " + e);
            assertTrue(e.getMessage().contains("1 bytes before the end"), e.getMessage());
        } finally {
            pair[0].close();
        }
    }

    @Test
    void aClientThatGoesAwayFailsTheSpliceAsTheClientsFault() throws Exception {
        HostPort owner = serve(false, ascii("HTTP/1.1 200 OK\r\nContent-Length: " + (BODY.length * 8) + "\r\n\r\n"),
                BODY, BODY, BODY, BODY, BODY, BODY, BODY, BODY);
        SocketChannel[] pair = socketPair();
        pair[1].close(); // the client hangs up before reading anything
        try (PeerBodyStream in = get(owner, 0)) {
            assertThrows(java.net.SocketException.class, () -> in.transferTo(pair[0], n -> { }));
        } finally {
            pair[0].close();
        }
    }

    @Test
    void anOwnerThatFallsSilentMidSpliceTimesOutAsTheOwnersFault() throws Exception {
        HostPort owner = serve(false, ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345"));
        SocketChannel[] pair = socketPair();
        CompletableFuture<byte[]> got = drain(pair[1]);
        try (PeerBodyStream in = get(owner, 0)) {
            assertThrows(SocketTimeoutException.class, () -> in.transferTo(pair[0], n -> { }));
        } finally {
            pair[0].close();
        }
        assertArrayEquals(ascii("12345"), got.get(5, TimeUnit.SECONDS), "what did come was passed on");
    }

    @Test
    void aNonBlockingTargetIsLeftToTheBufferPath() throws Exception {
        SocketChannel[] pair = socketPair();
        pair[0].configureBlocking(false);
        try (PeerBodyStream in = get(serve(true, ascii("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")), 0)) {
            assertEquals(-1, in.transferTo(pair[0], n -> { }));
            assertArrayEquals(ascii("abc"), in.readAllBytes(), "nothing was taken from the stream");
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }

    @Test
    void aClosedStreamRefusesReads() throws Exception {
        PeerBodyStream in = get(serve(true, ascii("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")), 0);
        in.close();
        assertThrows(IOException.class, in::read);
        in.close();
    }
}
