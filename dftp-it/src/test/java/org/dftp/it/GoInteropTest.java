package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dftp.core.wire.GoCaptures;
import org.dftp.core.wire.Wire;
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
 * A node of this project meets the original Go node {@code gb} as the captures recorded it: the
 * captured greeting and full update are sent to it byte for byte (over a raw socket), and it must answer
 * as the original {@code ga} did, greet {@code gb} back and push its own full update in the original's
 * form, list {@code gb}'s files as the captured listings show them, and serve them by proxying to
 * {@code gb}'s public API (a fake that serves {@code somedir/c.jpg} and a slice of {@code bigb1g.bin}).
 *
 * <p>The node is named {@code ga} and holds ga's files of the capture (the big ones sparse) with the
 * capture's times. The fake {@code gb} listens on the captured ports 7050/7051 when they are free; when
 * they are not, on any ports, and the captured greeting is sent with only those two port numbers (and
 * its {@code Content-Length}) changed.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class GoInteropTest {
    private static final long T0930 = 1795512638L; // 2026-11-24 09:30:38 UTC, the capture's mtime
    private static final byte[] C_JPG = {(byte) 0xff, (byte) 0xd8};
    private static final byte[] NOTES = Trees.random(300_000, 8);

    @TempDir
    Path root;
    private DftpNode ga;
    private FakeGoNode gb;
    private boolean capturedPorts;
    private byte[] bigb;

    @BeforeEach
    void start() throws IOException {
        sized("big1g.bin", 1L << 30, T0930);
        sized("f100k.bin", 102_400, T0930);
        sized("f64m.bin", 64L << 20, T0930 + 22); // 09:31
        sized("small1k.bin", 1024, T0930);
        Files.writeString(root.resolve("test.txt"), "twenty bytes of text");
        Files.setLastModifiedTime(root.resolve("test.txt"), FileTime.from(T0930, TimeUnit.SECONDS));
        Files.createDirectories(root.resolve("somedir/nested"));
        Files.setLastModifiedTime(root.resolve("somedir/nested"), FileTime.from(T0930, TimeUnit.SECONDS));
        Files.setLastModifiedTime(root.resolve("somedir"), FileTime.from(T0930, TimeUnit.SECONDS));

        ga = DftpNode.start(NodeConfig.defaults("ga", root)
                .withListen(HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null)
                .withMulticast(null));

        bigb = Trees.random(1 << 20, 7); // the first MiB of bigb1g.bin, enough for a range
        Map<String, byte[]> files = Map.of("somedir/c.jpg", C_JPG, "bigb1g.bin", bigb, "notes.txt", NOTES);
        try {
            gb = FakeGoNode.start(7050, 7051, this::gbClusterInfo, files);
            capturedPorts = true;
        } catch (IOException taken) {
            gb = FakeGoNode.start(0, 0, this::gbClusterInfo, files);
        }
    }

    @AfterEach
    void stop() {
        if (ga != null) {
            ga.close();
        }
        if (gb != null) {
            gb.close();
        }
    }

    private void sized(String name, long length, long mtime) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(root.resolve(name).toFile(), "rw")) {
            f.setLength(length);
        }
        Files.setLastModifiedTime(root.resolve(name), FileTime.from(mtime, TimeUnit.SECONDS));
    }

    /** What gb answers a greeting with: cluster-info.json's gb, knowing ga only (the capture's Peers). */
    private String gbClusterInfo(FakeGoNode fake) {
        return "{\"Name\":\"dftp\",\"Me\":{\"Name\":\"gb\",\"PublicAddr\":\"127.0.0.1:" + fake.publicPort()
                + "\",\"MgmtAddr\":\"127.0.0.1:" + fake.mgmtPort() + "\",\"LastAlive\":1795512981,"
                + "\"LastUpdatePushed\":0,\"LastUpdateReceived\":0,\"LastFullUpdateReceived\":0},"
                + "\"Peers\":{\"ga\":{\"Name\":\"ga\",\"PublicAddr\":\"127.0.0.1:" + ga.httpPort()
                + "\",\"MgmtAddr\":\"127.0.0.1:" + ga.mgmtPort() + "\",\"LastAlive\":1795512982,"
                + "\"LastUpdatePushed\":1795512982,\"LastUpdateReceived\":1795512981,\"LastFullUpdateReceived\":1795512981}}}";
    }

    @Test
    void capturedGreetingAndFullUpdateAreAnsweredAsTheOriginalDid() throws Exception {
        // 1. gb's greeting, as captured.
        RawResponse greeted = send(capture("greeting-request.txt", capturedPorts ? Map.of()
                : Map.of("%3A7051", "%3A" + gb.mgmtPort(), "%3A7050", "%3A" + gb.publicPort())));
        assertEquals(200, greeted.status, greeted.text());
        assertEquals("application/json", greeted.headers.get("content-type"));
        assertTrue(greeted.text().endsWith("}\n") && greeted.text().indexOf('\n') == greeted.text().length() - 1,
                "one line of JSON, as Go's json.Encoder writes: " + greeted.text());
        JsonNode answer = Wire.MAPPER.readTree(greeted.body);
        GoCaptures.assertSameShape(Wire.MAPPER.readTree(GoCaptures.bytes("cluster-info.json")), answer, "answer");
        assertEquals("dftp", answer.get("Name").asText());
        assertEquals("ga", answer.get("Me").get("Name").asText());
        assertEquals("127.0.0.1:" + ga.mgmtPort(), answer.get("Me").get("MgmtAddr").asText());
        JsonNode gbSeen = answer.get("Peers").get("gb");
        assertNotNull(gbSeen, answer.toString());
        assertEquals("127.0.0.1:" + gb.publicPort(), gbSeen.get("PublicAddr").asText());
        assertEquals("127.0.0.1:" + gb.mgmtPort(), gbSeen.get("MgmtAddr").asText());

        // 2. gb was new to ga: ga greets it back asking for a full update, then pushes its own full update.
        FakeGoNode.Received back = next(gb.mgmtRequests);
        assertEquals("POST", back.method());
        assertEquals("/cluster/", back.uri().getPath());
        assertEquals("application/x-www-form-urlencoded", back.header("Content-Type"));
        assertEquals(String.valueOf(back.body().length), back.header("Content-Length"));
        assertEquals(fieldNames(GoCaptures.greetingBody()), fieldNames(back.bodyText()));
        assertEquals("mgmt-addr=127.0.0.1%3A" + ga.mgmtPort() + "&name=ga&public-addr=127.0.0.1%3A" + ga.httpPort()
                + "&request-full-update=true", back.bodyText());

        FakeGoNode.Received push = next(gb.mgmtRequests);
        assertEquals("POST", push.method());
        assertEquals("/update/", push.uri().getPath());
        assertEquals("application/json", push.header("Content-Type"));
        JsonNode update = Wire.MAPPER.readTree(push.body());
        GoCaptures.assertSameShape(Wire.MAPPER.readTree(GoCaptures.fullUpdateBody()), update, "update");
        assertEquals("ga", update.get("SenderNodeName").asText());
        assertTrue(update.get("Full").asBoolean());
        Map<String, JsonNode> pushed = new LinkedHashMap<>();
        update.get("Files").forEach(f -> pushed.put(f.get("FullName").asText(), f));
        for (String f : List.of("big1g.bin", "f100k.bin", "f64m.bin", "small1k.bin", "test.txt")) {
            JsonNode e = pushed.get(f);
            assertNotNull(e, f + " in " + pushed.keySet());
            assertEquals("ga", e.get("OwnerNode").asText());
            assertEquals(420, e.get("FileMode").asLong(), f);
            assertEquals(Files.size(root.resolve(f)), e.get("SizeInBytes").asLong(), f);
        }
        assertEquals(1L << 30, pushed.get("big1g.bin").get("SizeInBytes").asLong());
        assertEquals(T0930, pushed.get("test.txt").get("LastModified").asLong());
        assertTrue(pushed.containsKey("somedir/nested"), pushed.keySet().toString());

        // 3. gb's full update, as captured: "ok", then gb's files are in, owned by gb.
        RawResponse updated = send(capture("full-update-request.txt", Map.of()));
        assertEquals(200, updated.status);
        assertEquals("ok", updated.text().strip());
        ClusterChecks.Endpoint e = new ClusterChecks.Endpoint("ga", ga.httpPort());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"gb".equals(ClusterChecks.listing(e, "").get("bigb1g.bin"))) {
            assertTrue(System.nanoTime() < deadline, "gb's files never showed: " + ClusterChecks.listing(e, ""));
            Thread.sleep(20);
        }

        // 4. The listings as the original's page (?format=nginx) are the captured ones, byte for byte: somedir/
        //    whole, the root but for fb64m.bin (gb's full update of the capture did not contain it).
        assertArrayEquals(GoCaptures.bytes("listing-somedir.html"), Web.get(e.url("/fs/somedir/?format=nginx")).body());
        String root = GoCaptures.text("listing-root.html");
        String withoutFb64m = root.replaceAll("<a href=\"fb64m.bin\">[^\n]*\n", "");
        assertTrue(withoutFb64m.length() < root.length(), "the capture lists fb64m.bin");
        assertEquals(withoutFb64m, Web.text(e.url("/fs/?format=nginx")));
        assertTrue(ClusterChecks.find(e).containsAll(List.of("/bigb1g.bin", "/somedir", "/somedir/c.jpg",
                "/somedir/nested", "/test.txt")));

        // 5. gb's files are served by proxying to gb's public API, redirN counting the hop.
        HttpResponse<byte[]> c = Web.get(e.url("/fs/somedir/c.jpg"));
        assertEquals(200, c.statusCode());
        assertArrayEquals(C_JPG, c.body());
        assertEquals("image/jpeg", c.headers().firstValue("content-type").orElse(""));
        FakeGoNode.Received proxied = next(gb.publicRequests);
        assertEquals("GET", proxied.method());
        assertEquals("/fs/somedir/c.jpg", proxied.uri().getPath());
        assertEquals("redirN=1", proxied.uri().getRawQuery());

        HttpResponse<byte[]> slice = Web.HTTP.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(e.url("/fs/bigb1g.bin"))).header("Range", "bytes=1000-1999").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, slice.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(bigb, 1000, 2000), slice.body());
        assertEquals("bytes=1000-1999", next(gb.publicRequests).header("Range"));

        // A body gb sends chunked (no length) goes on chunked, whole. gb announces the file incrementally.
        String notes = "{\"Files\":[{\"FullName\":\"notes.txt\",\"Basename\":\"notes.txt\",\"Dir\":false,"
                + "\"LastModified\":1795512638,\"LastInfoUpdated\":1795512700,\"SizeInBytes\":300000,\"FileMode\":420,"
                + "\"OwnerNode\":\"gb\",\"Deletion\":false}],\"UpdateTime\":1795512700,\"Full\":false,\"SenderNodeName\":\"gb\"}";
        assertEquals(200, Web.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + ga.mgmtPort() + "/update/")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(notes)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        while (!"gb".equals(ClusterChecks.listing(e, "").get("notes.txt"))) {
            assertTrue(System.nanoTime() < deadline + Duration.ofSeconds(10).toNanos(), "notes.txt never showed");
            Thread.sleep(20);
        }
        HttpResponse<byte[]> chunked = Web.get(e.url("/fs/notes.txt"));
        assertEquals(200, chunked.statusCode());
        assertEquals("chunked", chunked.headers().firstValue("transfer-encoding").orElse(""));
        assertArrayEquals(NOTES, chunked.body());
        next(gb.publicRequests);

        // ga's own files are served locally: the sparse gigabyte reads as zeros, here its first bytes.
        HttpResponse<byte[]> own = Web.HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(e.url("/fs/big1g.bin"))).header("Range", "bytes=0-9").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(new byte[10], own.body());
        assertTrue(gb.publicRequests.isEmpty(), "ga's own file was not fetched from gb");
    }

    /** The field names of a urlencoded form, in order. */
    private static List<String> fieldNames(String form) {
        List<String> names = new ArrayList<>();
        for (String kv : form.split("&")) {
            names.add(kv.substring(0, kv.indexOf('=')));
        }
        return names;
    }

    private static FakeGoNode.Received next(java.util.concurrent.BlockingQueue<FakeGoNode.Received> q)
            throws InterruptedException {
        FakeGoNode.Received r = q.poll(10, TimeUnit.SECONDS);
        assertNotNull(r, "gb was sent nothing in 10 s");
        return r;
    }

    /**
     * A captured request as it was on the wire: the request line (the capture omits the version), the
     * headers in their captured order and spelling, CRLF line ends, and the body bytes. {@code replace}
     * changes the body (and Content-Length follows).
     */
    private static byte[] capture(String name, Map<String, String> replace) {
        String all = GoCaptures.text(name);
        String[] head = all.substring(0, all.indexOf("\n\n")).split("\n");
        byte[] body = GoCaptures.request(name).body();
        String text = new String(body, StandardCharsets.UTF_8);
        for (var r : replace.entrySet()) {
            text = text.replace(r.getKey(), r.getValue());
        }
        body = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(head[0]).append(" HTTP/1.1\r\n");
        for (int i = 1; i < head.length; i++) {
            String h = head[i];
            if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                h = "Content-Length: " + body.length;
            }
            b.append(h).append("\r\n");
        }
        b.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private record RawResponse(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Sends raw bytes to ga's management port and reads one response (status, headers, Content-Length body). */
    private RawResponse send(byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", ga.mgmtPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("connection closed in the headers: " + head);
                }
                head.write(c);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new RawResponse(status, headers, body);
        }
    }
}
