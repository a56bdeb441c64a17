package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.wire.NodeInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Management-body abuse (the hostile-input suite, docs/RELIABILITY.md) against a started node's management
 * port: {@code /update/} bodies nested deep, with 10 MB strings, 100,000-digit numbers, a sender given twice,
 * wrong types, invalid UTF-8; {@code /cluster/} greetings of garbage. Each is answered {@code 400} (a form over
 * its limit {@code 413}) and leaves the tree and the peer table as they were. The node is a real one, and the
 * sender {@code friend} a peer it knows, so that an update that got through would show.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ManagementAbuseTest {
    private static final String JSON = "application/json";
    private TestNode a;
    private DfsTree before;
    private Map<String, NodeInfo> peersBefore;

    @BeforeAll
    void node() throws Exception {
        a = TestNode.start("node-a", 7040);
        a.scanned(1000, "mine.txt", "dir/also-mine.txt");
        assertEquals(200, a.form("/cluster/", "name=friend&public-addr=127.0.0.1:1&mgmt-addr=127.0.0.1:2").statusCode());
        assertEquals(200, a.post("/update/", JSON, "{\"Files\":[{\"FullName\":\"friends.txt\",\"SizeInBytes\":3,"
                + "\"LastInfoUpdated\":1}],\"UpdateTime\":1,\"Full\":false,\"SenderNodeName\":\"friend\"}").statusCode());
        TestNode.await("friend's file is in", () -> "friend".equals(a.ownerOf("friends.txt")));
        before = a.store.snapshot().tree();
        peersBefore = a.store.snapshot().peers();
    }

    @AfterAll
    void stop() {
        a.close();
    }

    private static String update(String files) {
        return "{\"Files\":[" + files + "],\"UpdateTime\":2,\"Full\":false,\"SenderNodeName\":\"friend\"}";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(String head, byte[] middle, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(head));
        out.writeBytes(middle);
        out.writeBytes(utf8(tail));
        return out.toByteArray();
    }

    static Stream<Arguments> badUpdates() {
        String tenMb = "a".repeat(10 * 1024 * 1024);
        String digits = "9".repeat(100_000);
        return Stream.of(
                Arguments.of("nested 100k deep in an unknown field",
                        utf8("{\"X\":" + "[".repeat(100_000) + "]".repeat(100_000) + "," + update("").substring(1))),
                Arguments.of("nested 100k deep in an entry",
                        utf8(update("{\"FullName\":\"x\",\"Y\":" + "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000) + "}"))),
                Arguments.of("nested objects as Files", utf8("{\"Files\":" + "[".repeat(20) + "]".repeat(20) + ",\"SenderNodeName\":\"friend\"}")),
                Arguments.of("10 MB FullName", utf8(update("{\"FullName\":\"" + tenMb + "\"}"))),
                Arguments.of("10 MB unknown field", utf8(update("{\"FullName\":\"x\",\"Z\":\"" + tenMb + "\"}"))),
                Arguments.of("10 MB sender", utf8("{\"Files\":[],\"SenderNodeName\":\"" + tenMb + "\"}")),
                Arguments.of("10 MB field name", utf8("{\"" + tenMb + "\":1,\"SenderNodeName\":\"friend\"}")),
                Arguments.of("100k-digit UpdateTime", utf8("{\"Files\":[],\"UpdateTime\":" + digits + ",\"SenderNodeName\":\"friend\"}")),
                Arguments.of("100k-digit size", utf8(update("{\"FullName\":\"x\",\"SizeInBytes\":" + digits + "}"))),
                Arguments.of("100k-digit fraction", utf8(update("{\"FullName\":\"x\",\"SizeInBytes\":1." + digits + "}"))),
                Arguments.of("100k-digit exponent", utf8(update("{\"FullName\":\"x\",\"SizeInBytes\":1e" + digits + "}"))),
                Arguments.of("sender given twice", utf8("{\"Files\":[{\"FullName\":\"x\"}],\"SenderNodeName\":\"friend\","
                        + "\"SenderNodeName\":\"node-b\"}")),
                Arguments.of("Files an object", utf8("{\"Files\":{},\"SenderNodeName\":\"friend\"}")),
                Arguments.of("Files a string", utf8("{\"Files\":\"x\",\"SenderNodeName\":\"friend\"}")),
                Arguments.of("sender a number", utf8("{\"Files\":[],\"SenderNodeName\":5}")),
                Arguments.of("sender an object", utf8("{\"Files\":[],\"SenderNodeName\":{\"a\":1}}")),
                Arguments.of("Full a string", utf8("{\"Files\":[],\"Full\":\"yes\",\"SenderNodeName\":\"friend\"}")),
                Arguments.of("UpdateTime a fraction", utf8("{\"Files\":[],\"UpdateTime\":1.5,\"SenderNodeName\":\"friend\"}")),
                Arguments.of("UpdateTime beyond int64", utf8("{\"Files\":[],\"UpdateTime\":9223372036854775808,\"SenderNodeName\":\"friend\"}")),
                Arguments.of("an array", utf8("[" + update("") + "]")),
                Arguments.of("a string", utf8("\"friend\"")),
                Arguments.of("null", utf8("null")),
                Arguments.of("empty", new byte[0]),
                Arguments.of("no sender", utf8("{\"Files\":[{\"FullName\":\"x\"}]}")),
                Arguments.of("empty sender", utf8("{\"Files\":[{\"FullName\":\"x\"}],\"SenderNodeName\":\"\"}")),
                Arguments.of("invalid UTF-8 in a name", concat(update("").substring(0, 11) + "{\"FullName\":\"a",
                        new byte[] {(byte) 0xc0, (byte) 0xaf}, "b\"}],\"SenderNodeName\":\"friend\"}")),
                Arguments.of("invalid UTF-8 in the sender", concat("{\"Files\":[{\"FullName\":\"x\"}],\"SenderNodeName\":\"fr",
                        new byte[] {(byte) 0xff, (byte) 0xfe}, "iend\"}")),
                Arguments.of("a lone continuation byte", concat("{\"Files\":[{\"FullName\":\"", new byte[] {(byte) 0x80},
                        "\"}],\"SenderNodeName\":\"friend\"}")),
                Arguments.of("UTF-16", "{\"Files\":[],\"SenderNodeName\":\"friend\"}".getBytes(StandardCharsets.UTF_16)),
                Arguments.of("NUL bytes", new byte[1000]),
                Arguments.of("a raw control character in a string", utf8(update("{\"FullName\":\"a\u0001b\"}"))),
                Arguments.of("cut in the middle", utf8(update("{\"FullName\":\"x\"}").substring(0, 25))),
                Arguments.of("trailing comma", utf8("{\"Files\":[{\"FullName\":\"x\"},],\"SenderNodeName\":\"friend\"}")),
                Arguments.of("single quotes", utf8("{'Files':[],'SenderNodeName':'friend'}")),
                Arguments.of("a comment", utf8("{/* c */\"Files\":[],\"SenderNodeName\":\"friend\"}")),
                Arguments.of("NaN", utf8(update("{\"FullName\":\"x\",\"SizeInBytes\":NaN}"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUpdates")
    void aBadUpdateIs400AndChangesNothing(String what, byte[] body) throws Exception {
        HttpResponse<String> r = a.post("/update/", JSON, body);
        assertEquals(400, r.statusCode(), what + ": " + r.body());
        assertTrue(r.body().startsWith("Error decoding json: "), r.body());
        assertTrue(r.body().length() < 1000, "the answer does not echo the body");
        assertUnchanged();
    }

    @Test
    void aDuplicateFieldInAnEntryTakesTheLastAsGoDoes() throws Exception {
        // Go's encoding/json takes the last of duplicate keys; dftp reads them the same way, so a peer and
        // this node never disagree about what an entry says. The path still goes through the one check.
        HttpResponse<String> r = a.post("/update/", JSON,
                update("{\"FullName\":\"dup-first.txt\",\"FullName\":\"../../etc/passwd\"}"));
        assertEquals(200, r.statusCode(), r.body());
        assertUnchanged();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "", "garbage", "=", "&&&", "=&=&=", "name", "name&public-addr&mgmt-addr", "name=&public-addr=&mgmt-addr=",
            "name=%ZZ&public-addr=:1&mgmt-addr=:2", "name=%&public-addr=:1&mgmt-addr=:2",
            "name=a%00b&public-addr=127.0.0.1:1&mgmt-addr=127.0.0.1:2",
            "name=a%0d%0aSet-Cookie:x&public-addr=127.0.0.1:1&mgmt-addr=127.0.0.1:2",
            "name=%C0%AF&public-addr=127.0.0.1:1&mgmt-addr=127.0.0.1:2",
            "name=%FF%FE&public-addr=127.0.0.1:1&mgmt-addr=127.0.0.1:2",
            "name=x&public-addr=garbage&mgmt-addr=garbage",
            "name=x&public-addr=127.0.0.1:99999&mgmt-addr=127.0.0.1:-1",
            "name=x&public-addr=[::1&mgmt-addr=[::1]:",
            "name=x&public-addr=169.254.169.254:80&mgmt-addr=169.254.169.254:80",
            "name=%E6%97&public-addr=127.0.0.1:1&mgmt-addr=127.0.0.1:2",
            "{\"name\":\"x\"}"})
    void aGarbageGreetingIs400AndAddsNoPeer(String form) throws Exception {
        HttpResponse<String> r = a.form("/cluster/", form);
        assertEquals(400, r.statusCode(), form + ": " + r.body());
        assertTrue(r.body().length() < 1000, "the answer does not echo the body");
        assertUnchanged();
    }

    @Test
    void aGreetingGivingThisNodesOwnManagementAddressAddsNoPeer() throws Exception {
        HttpResponse<String> r = a.form("/cluster/", "name=x&public-addr=127.0.0.1:1&mgmt-addr=" + a.mgmt());
        assertEquals(400, r.statusCode(), r.body());
        assertUnchanged();
    }

    @Test
    void anOverLongGreetingIs413OrRefusedAndAddsNoPeer() throws Exception {
        HttpResponse<String> big = a.form("/cluster/", "name=" + "n".repeat(2 * 1024 * 1024) + "&public-addr=:1&mgmt-addr=:2");
        assertEquals(413, big.statusCode(), big.body());
        HttpResponse<String> longName = a.form("/cluster/", "name=" + "n".repeat(100_000) + "&public-addr=127.0.0.1:1"
                + "&mgmt-addr=127.0.0.1:2");
        assertEquals(400, longName.statusCode(), longName.body().substring(0, Math.min(200, longName.body().length())));
        HttpResponse<String> binary = a.post("/cluster/", "application/x-www-form-urlencoded", new byte[] {0, (byte) 0xff, 1});
        assertEquals(400, binary.statusCode());
        assertUnchanged();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "POST /update/ HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            "POST /update/ HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            "POST /update/ HTTP/9.9\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            "GET /cluster/ HTTP/1.1\r\n\r\n",
            "POST /update/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /update/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                    + "Content-Length: 3\r\n\r\n{}",
            // obs-fold (RFC 9112 5.2): refused as nginx does, not joined to the line before
            "POST /update/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nX-Note: a\r\n b\r\n"
                    + "Content-Length: 2\r\n\r\n{}",
            "GET /cluster/ HTTP/1.1\r\nHost: a\r\nX-Note: a\r\n\tb\r\n\r\n"})
    void framingTheOriginalRefusesIsRefusedAndClosesAndNothingBehindItIsRead(String raw) throws Exception {
        String behind = "POST /cluster/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 57\r\n\r\nname=behind&public-addr=127.0.0.1:1&mgmt-addr=127.0.0.1:3";
        try (org.dftp.netty.testing.RawClient c = new org.dftp.netty.testing.RawClient(a.cluster.mgmtPort(), 0, 5_000)) {
            c.send(raw + behind);
            String head = new String(c.input().readNBytes(12), StandardCharsets.ISO_8859_1);
            assertTrue(head.endsWith(" 400") || head.endsWith(" 505"), head);
            assertTrue(c.closedByServer(), "the connection closes");
        }
        assertUnchanged();
    }

    /** The tree and the peers are what they were: checked after a good update that must come after the bad ones. */
    private void assertUnchanged() throws Exception {
        // The store applies events in order: once this no-op update from a known peer is through, anything the
        // bad request had published would have been applied too.
        assertEquals(200, a.post("/update/", JSON, "{\"Files\":[],\"UpdateTime\":3,\"Full\":false,"
                + "\"SenderNodeName\":\"friend\"}").statusCode());
        Thread.sleep(Duration.ofMillis(20).toMillis());
        assertEquals(before.changes().toString(), a.store.snapshot().tree().changes().toString());
        assertEquals(peersBefore.keySet(), a.store.snapshot().peers().keySet());
    }
}
