package org.dftp.netty.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dftp.core.DfsPath;
import org.dftp.core.write.WriteException;
import org.dftp.ftp.OwnerUnavailableException;
import org.dftp.ftp.UploadStream;
import org.dftp.netty.HostPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forwarding protocol of FTP writes, against a fake owner that records what arrives (request line,
 * headers, de-chunked body, whether the body ended) and answers a given status: the exact requests, and
 * what each answer becomes.
 */
@Timeout(20)
class PeerWritesTest {
    private static final String OWNER = "beta";

    private final List<ServerSocket> servers = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (ServerSocket s : servers) {
            s.close();
        }
    }

    /** What the fake owner received. */
    record Received(String requestLine, Map<String, String> headers, List<String> headerOrder, byte[] body,
                    boolean bodyEnded) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A fake owner serving one connection. */
    private final class FakeOwner {
        final ServerSocket server;
        final CompletableFuture<Received> received = new CompletableFuture<>();

        /**
         * @param status the answer's status
         * @param text the answer's one-line body
         * @param beforeBody answer as soon as the head is in, without reading the body (an early refusal)
         */
        FakeOwner(int status, String text, boolean beforeBody) throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            servers.add(server);
            Thread t = new Thread(() -> serve(status, text, beforeBody), "fake-owner");
            t.setDaemon(true);
            t.start();
        }

        HostPort address() {
            return new HostPort("127.0.0.1", server.getLocalPort());
        }

        PeerWrites client() {
            return new PeerWrites(name -> name.equals(OWNER) ? address() : null, 5_000);
        }

        Received get() throws Exception {
            return received.get(10, TimeUnit.SECONDS);
        }

        private void serve(int status, String text, boolean beforeBody) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                String head = readHead(in);
                String[] lines = head.split("\r\n");
                Map<String, String> headers = new LinkedHashMap<>();
                List<String> order = new ArrayList<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    String name = lines[i].substring(0, colon);
                    order.add(name);
                    headers.put(name.toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                boolean ended = true;
                if (!beforeBody) {
                    if ("chunked".equals(headers.get("transfer-encoding"))) {
                        ended = dechunk(in, body);
                    } else if (headers.containsKey("content-length")) {
                        body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
                    }
                }
                received.complete(new Received(lines[0], headers, order, body.toByteArray(), ended));
                if (!ended) {
                    return;
                }
                byte[] answer = text.getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 " + status + " Whatever\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: " + answer.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(answer);
                out.flush();
                if (beforeBody) {
                    // Read on, as a server that drains a refused body would, until the client gives up.
                    in.transferTo(OutputStream.nullOutputStream());
                }
            } catch (IOException e) {
                received.completeExceptionally(e);
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("no head");
            }
            head.write(b);
        }
        String s = head.toString(StandardCharsets.UTF_8);
        return s.substring(0, s.length() - 4);
    }

    /** De-chunks a body; false when the connection ended before the last chunk. */
    private static boolean dechunk(InputStream in, ByteArrayOutputStream body) {
        try {
            while (true) {
                StringBuilder size = new StringBuilder();
                for (int b = in.read(); b != '\n'; b = in.read()) {
                    if (b < 0) {
                        return false;
                    }
                    size.append((char) b);
                }
                int n = Integer.parseInt(size.toString().trim(), 16);
                if (n > PeerWrites.CHUNK) {
                    throw new IllegalStateException("chunk of " + n + " bytes");
                }
                byte[] chunk = in.readNBytes(n);
                if (chunk.length < n) {
                    return false;
                }
                body.write(chunk);
                if (in.read() != '\r' || in.read() != '\n') {
                    return false;
                }
                if (n == 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @Test
    void anUploadIsOneChunkedPutWithTheUserAndEndsWhenTheOwnerConfirms() throws Exception {
        FakeOwner owner = new FakeOwner(201, "created", false);
        byte[] content = random(200_000);
        UploadStream up = owner.client().upload(OWNER, DfsPath.of("docs/new file.bin"), 0, "bob");
        up.write(content, 0, 1000);
        up.write(content, 1000, content.length - 1000);
        up.close();
        Received r = owner.get();
        assertEquals("PUT /fs/docs/new%20file.bin?redirN=1 HTTP/1.1", r.requestLine());
        assertEquals(List.of("Host", "User-Agent", "Connection", "X-Dftp-User", "Transfer-Encoding"), r.headerOrder());
        assertEquals(owner.address().toString(), r.header("Host"));
        assertEquals("dftp-ftp", r.header("User-Agent"));
        assertEquals("close", r.header("Connection"));
        assertEquals("bob", r.header("X-Dftp-User"));
        assertEquals("chunked", r.header("Transfer-Encoding"));
        assertTrue(r.bodyEnded());
        assertArrayEquals(content, r.body());
        up.abort(); // after a success: nothing
    }

    @Test
    void aResumedUploadSaysHowManyBytesToKeep() throws Exception {
        FakeOwner owner = new FakeOwner(204, "", false);
        UploadStream up = owner.client().upload(OWNER, DfsPath.of("big.iso"), 123_456, "alice");
        up.write("tail".getBytes(StandardCharsets.UTF_8));
        up.close();
        Received r = owner.get();
        assertEquals("PUT /fs/big.iso?redirN=1 HTTP/1.1", r.requestLine());
        assertEquals(List.of("Host", "User-Agent", "Connection", "X-Dftp-User", "X-Dftp-Keep", "Transfer-Encoding"),
                r.headerOrder());
        assertEquals("123456", r.header("X-Dftp-Keep"));
        assertEquals("tail", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void anEmptyUploadIsTheZeroChunkAlone() throws Exception {
        FakeOwner owner = new FakeOwner(201, "", false);
        owner.client().upload(OWNER, DfsPath.of("empty"), 0, "bob").close();
        Received r = owner.get();
        assertTrue(r.bodyEnded());
        assertEquals(0, r.body().length);
    }

    @Test
    void anAbortedUploadNeverEndsItsBody() throws Exception {
        FakeOwner owner = new FakeOwner(201, "", false);
        UploadStream up = owner.client().upload(OWNER, DfsPath.of("cut.bin"), 0, "bob");
        up.write(random(100_000));
        up.abort();
        Received r = owner.get();
        assertFalse(r.bodyEnded(), "the owner must see the body cut off, not a shorter whole file");
        up.close(); // after an abort: nothing
        assertThrows(IOException.class, () -> up.write(1));
    }

    @Test
    void anOwnerThatRefusesBeforeTheBodyEndsIsHeard() throws Exception {
        FakeOwner owner = new FakeOwner(413, "too large for this node\n", true);
        UploadStream up = owner.client().upload(OWNER, DfsPath.of("huge.bin"), 0, "bob");
        owner.get(); // the head is in and answered
        Thread.sleep(100);
        byte[] piece = random(PeerWrites.CHUNK);
        WriteException e = assertThrows(WriteException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                up.write(piece);
            }
            up.close();
        });
        assertEquals(WriteException.Kind.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("too large for this node"), e.getMessage());
    }

    @Test
    void mkdirIsMkcol() throws Exception {
        FakeOwner owner = new FakeOwner(201, "", false);
        owner.client().mkdir(OWNER, DfsPath.of("a/new dir"), "bob");
        Received r = owner.get();
        assertEquals("MKCOL /fs/a/new%20dir?redirN=1 HTTP/1.1", r.requestLine());
        assertEquals(List.of("Host", "User-Agent", "Connection", "X-Dftp-User", "Content-Length"), r.headerOrder());
        assertEquals("bob", r.header("X-Dftp-User"));
        assertEquals("0", r.header("Content-Length"));
    }

    @Test
    void deleteIsDelete() throws Exception {
        FakeOwner owner = new FakeOwner(204, "", false);
        owner.client().delete(OWNER, DfsPath.of("a/old.txt"), "bob");
        Received r = owner.get();
        assertEquals("DELETE /fs/a/old.txt?redirN=1 HTTP/1.1", r.requestLine());
        assertEquals("bob", r.header("X-Dftp-User"));
        assertEquals("0", r.header("Content-Length"));
    }

    @Test
    void renameIsMoveWithAnOverwritingDestination() throws Exception {
        FakeOwner owner = new FakeOwner(201, "", false);
        owner.client().move(OWNER, DfsPath.of("a/from #1.txt"), DfsPath.of("b/tö 100%.txt"), "bob");
        Received r = owner.get();
        assertEquals("MOVE /fs/a/from%20%231.txt?redirN=1 HTTP/1.1", r.requestLine());
        assertEquals(List.of("Host", "User-Agent", "Connection", "X-Dftp-User", "Destination", "Overwrite",
                "Content-Length"), r.headerOrder());
        assertEquals("/fs/b/t%C3%B6%20100%25.txt", r.header("Destination"));
        assertEquals("T", r.header("Overwrite"));
    }

    @Test
    void mfmtIsAProppatchOfGetlastmodified() throws Exception {
        FakeOwner owner = new FakeOwner(207, "<?xml version=\"1.0\"?><D:multistatus xmlns:D=\"DAV:\"><D:response>"
                + "<D:propstat><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>", false);
        owner.client().setModified(OWNER, DfsPath.of("a/x.txt"), 1_700_000_000_000L, "bob");
        Received r = owner.get();
        assertEquals("PROPPATCH /fs/a/x.txt?redirN=1 HTTP/1.1", r.requestLine());
        assertEquals(List.of("Host", "User-Agent", "Connection", "X-Dftp-User", "Content-Type", "Content-Length"),
                r.headerOrder());
        assertEquals("application/xml; charset=utf-8", r.header("Content-Type"));
        assertEquals("<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>"
                + "<D:getlastmodified>Tue, 14 Nov 2023 22:13:20 GMT</D:getlastmodified></D:prop></D:set>"
                + "</D:propertyupdate>", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(String.valueOf(r.body().length), r.header("Content-Length"));
    }

    @Test
    void aMultiStatusWithAFailedPropertyIsAFailure() throws Exception {
        FakeOwner owner = new FakeOwner(207, "<D:multistatus xmlns:D=\"DAV:\"><D:response><D:propstat>"
                + "<D:status>HTTP/1.1 403 Forbidden</D:status></D:propstat></D:response></D:multistatus>", false);
        assertThrows(WriteException.class,
                () -> owner.client().setModified(OWNER, DfsPath.of("x"), 0, "bob"));
    }

    @Test
    void httpDatesHaveTwoDigitDays() {
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", PeerWrites.httpDate(0));
        assertEquals("Mon, 03 Jun 2024 11:05:30 GMT", PeerWrites.httpDate(1_717_412_730_999L));
    }

    @ParameterizedTest
    @CsvSource({"400, BAD_NAME", "403, FORBIDDEN", "404, NOT_FOUND", "409, CONFLICT", "412, EXISTS",
        "413, TOO_LARGE", "507, NO_SPACE", "405, FORBIDDEN", "500, IO"})
    void refusalsBecomeTheirKind(int status, WriteException.Kind kind) throws Exception {
        FakeOwner owner = new FakeOwner(status, "the owner's reason\n", false);
        WriteException e = assertThrows(WriteException.class,
                () -> owner.client().mkdir(OWNER, DfsPath.of("d"), "bob"));
        assertEquals(kind, e.kind());
        assertTrue(e.getMessage().contains("beta") && e.getMessage().contains("the owner's reason")
                && e.getMessage().contains(String.valueOf(status)), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: it goes into an FTP reply");
    }

    @ParameterizedTest
    @CsvSource({"413, TOO_LARGE", "507, NO_SPACE", "403, FORBIDDEN", "409, CONFLICT"})
    void uploadRefusalsAtTheEndBecomeTheirKind(int status, WriteException.Kind kind) throws Exception {
        FakeOwner owner = new FakeOwner(status, "no", false);
        UploadStream up = owner.client().upload(OWNER, DfsPath.of("f"), 0, "bob");
        up.write(random(1000));
        WriteException e = assertThrows(WriteException.class, up::close);
        assertEquals(kind, e.kind());
    }

    @ParameterizedTest
    @CsvSource({"502", "503", "504"})
    void anOwnerThatCannotServeIsUnavailable(int status) throws Exception {
        FakeOwner owner = new FakeOwner(status, "busy", false);
        assertThrows(OwnerUnavailableException.class, () -> owner.client().delete(OWNER, DfsPath.of("f"), "bob"));
    }

    @Test
    void anOwnerThatIsNotListeningIsUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PeerWrites writes = new PeerWrites(name -> new HostPort("127.0.0.1", port), 5_000);
        OwnerUnavailableException e = assertThrows(OwnerUnavailableException.class,
                () -> writes.upload(OWNER, DfsPath.of("f"), 0, "bob"));
        assertTrue(e.getMessage().contains("beta"), e.getMessage());
        assertThrows(OwnerUnavailableException.class, () -> writes.mkdir(OWNER, DfsPath.of("d"), "bob"));
    }

    @Test
    void anUnknownOwnerIsUnavailable() {
        PeerWrites writes = new PeerWrites(name -> null, 5_000);
        OwnerUnavailableException e = assertThrows(OwnerUnavailableException.class,
                () -> writes.move("gamma", DfsPath.of("a"), DfsPath.of("b"), "bob"));
        assertTrue(e.getMessage().contains("gamma"), e.getMessage());
    }

    @Test
    void anOwnerThatHangsUpWithoutAnAnswerIsUnavailable() throws Exception {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        servers.add(server);
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                readHead(s.getInputStream());
            } catch (IOException e) {
                // gone
            }
        });
        t.setDaemon(true);
        t.start();
        PeerWrites writes = new PeerWrites(name -> new HostPort("127.0.0.1", server.getLocalPort()), 5_000);
        IOException e = assertThrows(IOException.class, () -> writes.delete(OWNER, DfsPath.of("f"), "bob"));
        assertInstanceOf(OwnerUnavailableException.class, e);
        assertNotNull(e.getMessage());
    }

    @Test
    void aUserNameThatWouldEndTheHeaderIsNeverSent() {
        PeerWrites writes = new PeerWrites(name -> new HostPort("127.0.0.1", 1), 5_000);
        assertThrows(IllegalArgumentException.class,
                () -> writes.mkdir(OWNER, DfsPath.of("d"), "bob\r\nX-Dftp-User: root"));
    }
}
