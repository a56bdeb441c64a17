package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.dftp.netty.DftpNode;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.RawClient;
import org.dftp.netty.testing.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * WebDAV writes on a real node with a users file (alice writes, bob reads, carol writes below {@code carol/}),
 * through the JDK's HTTP client and, where a client will not misbehave, a raw socket. Every answer is checked
 * against the disk: what a write reports has happened, in the tree too, before the answer (nothing here
 * sleeps for it), and what a refusal reports has not.
 */
@ExtendWith(NettyLeaks.class)
class WebDavWritesTest {
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private static final String CAROL = "carol";
    private static final String ANONYMOUS = null;

    @TempDir
    static Path tmp;
    static Path root;
    static Path users;
    static DftpNode node;
    static String base;
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("carol"));
        Files.writeString(root.resolve("hello.txt"), "hello\n");
        // A link out of the dfsroot: not part of the DFS, and no way out of it.
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "SECRET\n");
        Files.createSymbolicLink(root.resolve("out-link"), outside);
        users = DavFixture.users(tmp);
        node = DavFixture.start(root, new NodeConfig.Writes(users, true, 0));
        base = "http://127.0.0.1:" + node.httpPort();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    // ---- PUT ----

    @Test
    void putWritesTheBytesSentAndTheTreeHasThemBeforeTheAnswer() throws Exception {
        mkcol("/fs/put");
        byte[] first = random(100_000, 1);
        assertEquals(201, put("/fs/put/new.bin", first).statusCode());
        assertArrayEquals(first, Files.readAllBytes(root.resolve("put/new.bin")));
        assertArrayEquals(first, get("/fs/put/new.bin").body());
        assertTrue(find().contains("/put/new.bin"), "in /find/ at once");

        byte[] second = random(70_000, 2);
        assertEquals(204, put("/fs/put/new.bin", second).statusCode(), "a replacement is 204");
        assertArrayEquals(second, Files.readAllBytes(root.resolve("put/new.bin")));
        assertArrayEquals(second, get("/fs/put/new.bin").body(), "no stale copy is served");

        byte[] small = "small\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(204, put("/fs/put/new.bin", small).statusCode());
        assertArrayEquals(small, get("/fs/put/new.bin").body());
        assertEquals(201, put("/fs/put/empty", new byte[0]).statusCode());
        assertEquals(0, Files.size(root.resolve("put/empty")));
        assertEquals(200, get("/fs/put/empty").statusCode());
        assertEquals(List.of(), DavFixture.temps(root));
    }

    @Test
    void putIntoAMissingParentIs409AndWritesNothing() throws Exception {
        assertEquals(409, put("/fs/no-such-dir/f.txt", bytes("x")).statusCode());
        assertFalse(Files.exists(root.resolve("no-such-dir")));
        assertEquals(201, put("/fs/put-file.txt", bytes("x")).statusCode());
        assertEquals(409, put("/fs/put-file.txt/below", bytes("y")).statusCode(), "below a file");
        mkcol("/fs/put-dir");
        assertEquals(409, put("/fs/put-dir", bytes("z")).statusCode(), "onto a directory");
        assertTrue(Files.isDirectory(root.resolve("put-dir")));
        assertEquals("x", Files.readString(root.resolve("put-file.txt")));
    }

    @Test
    void putWithExpectContinueGetsA100ThenItsAnswer() throws Exception {
        mkcol("/fs/expect");
        byte[] body = random(10_000, 8);
        try (RawClient raw = new RawClient(node.httpPort())) {
            raw.request("PUT", "/fs/expect/f.bin", "Authorization: " + DavFixture.basic(ALICE),
                    "Content-Length: " + body.length, "Expect: 100-continue");
            assertEquals(100, raw.read("PUT").status(), "every check passed: the body is wanted");
            raw.send(new String(body, StandardCharsets.ISO_8859_1));
            assertEquals(201, raw.read("PUT").status());
            // The connection serves on.
            raw.request("GET", "/fs/expect/f.bin");
            RawResponse got = raw.read("GET");
            assertEquals(200, got.status());
            assertArrayEquals(body, got.body());
        }
        assertArrayEquals(body, Files.readAllBytes(root.resolve("expect/f.bin")));
        try (RawClient raw = new RawClient(node.httpPort())) {
            raw.request("PUT", "/fs/expect/no-parent/f.bin", "Authorization: " + DavFixture.basic(ALICE),
                    "Content-Length: " + body.length, "Expect: 100-continue");
            RawResponse res = raw.read("PUT");
            // The missing parent is found on the disk, after the 100 (the tree cannot tell it from a
            // directory not yet written): the body goes for nothing, but the answer is the same.
            if (res.status() == 100) {
                raw.send(new String(body, StandardCharsets.ISO_8859_1));
                res = raw.read("PUT");
            }
            assertEquals(409, res.status(), res.text());
        }
        assertFalse(Files.exists(root.resolve("expect/no-parent")));
        assertEquals(List.of("f.bin"), names(root.resolve("expect")));
    }

    @Test
    void aChunkedUploadAndPipelinedRequestsAfterIt() throws Exception {
        mkcol("/fs/chunked");
        byte[] body = random(700_000, 9);
        StringBuilder req = new StringBuilder("PUT /fs/chunked/f.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ")
                .append(DavFixture.basic(ALICE)).append("\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int off = 0; off < body.length; off += 50_000) {
            int n = Math.min(50_000, body.length - off);
            req.append(Integer.toHexString(n)).append("\r\n")
                    .append(new String(body, off, n, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        req.append("0\r\n\r\n");
        req.append("GET /fs/chunked/f.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        req.append("PROPFIND /fs/chunked/f.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nDepth: 0\r\nContent-Length: 0\r\n\r\n");
        try (RawClient raw = new RawClient(node.httpPort())) {
            raw.send(req.toString());
            assertEquals(201, raw.read("PUT").status());
            RawResponse got = raw.read("GET");
            assertEquals(200, got.status(), "the request behind the upload sees it");
            assertArrayEquals(body, got.body());
            RawResponse props = raw.read("PROPFIND");
            assertEquals(207, props.status());
            assertEquals("700000", multistatus(props.text()).get("/fs/chunked/f.bin").text("getcontentlength"));
        }
        assertArrayEquals(body, Files.readAllBytes(root.resolve("chunked/f.bin")));
    }

    @Test
    void ifHeaderEntityTagsAndNot() throws Exception {
        mkcol("/fs/if");
        assertEquals(201, put("/fs/if/f.txt", bytes("one")).statusCode());
        String etag = allprop("/fs/if/f.txt").text("getetag");
        assertEquals(etag, get("/fs/if/f.txt").headers().firstValue("ETag").orElse(null), "one entity tag for both");
        assertEquals(412, send("PUT", "/fs/if/f.txt", ALICE, bytes("x"), "If", "([\"other\"])").statusCode());
        assertEquals(412, send("PUT", "/fs/if/f.txt", ALICE, bytes("x"), "If", "(Not [" + etag + "])").statusCode());
        assertEquals("one", Files.readString(root.resolve("if/f.txt")));
        assertEquals(204, send("PUT", "/fs/if/f.txt", ALICE, bytes("two!"), "If", "([" + etag + "])").statusCode());
        assertEquals("two!", Files.readString(root.resolve("if/f.txt")));
        // Any one list holding is enough; a Not of a token nobody holds holds.
        assertEquals(204, send("PUT", "/fs/if/f.txt", ALICE, bytes("three"), "If",
                "([\"other\"]) (Not <opaquelocktoken:nobody>)").statusCode());
        assertEquals("three", Files.readString(root.resolve("if/f.txt")));
    }

    @Test
    void putWithContentRangeIsRefusedAndChangesNothing() throws Exception {
        mkcol("/fs/range");
        assertEquals(201, put("/fs/range/f.txt", bytes("0123456789")).statusCode());
        HttpResponse<String> res = send("PUT", "/fs/range/f.txt", ALICE, bytes("ab"), "Content-Range", "bytes 2-3/10");
        assertEquals(400, res.statusCode(), res.body());
        assertEquals("0123456789", Files.readString(root.resolve("range/f.txt")));
    }

    @Test
    void aLinkOutOfTheRootLeadsNowhere() throws Exception {
        Path outside = tmp.resolve("outside");
        assertEquals(404, get("/fs/out-link/secret.txt").statusCode());
        assertEquals(403, put("/fs/out-link/new.txt", bytes("x")).statusCode());
        assertEquals(403, send("MKCOL", "/fs/out-link/dir", ALICE, null).statusCode());
        assertEquals(404, copy("/fs/out-link", "/fs/copied-out", null).statusCode());
        assertEquals(404, copy("/fs/out-link/secret.txt", "/fs/copied-secret.txt", null).statusCode());
        assertEquals(404, move("/fs/out-link/secret.txt", "/fs/moved-secret.txt", null).statusCode());
        assertEquals(404, send("DELETE", "/fs/out-link/secret.txt", ALICE, null).statusCode());
        assertEquals(404, send("PROPFIND", "/fs/out-link/", ALICE, null, "Depth", "1").statusCode());
        assertEquals(404, send("PROPPATCH", "/fs/out-link/secret.txt", ALICE, bytes(proppatchSet("x"))).statusCode());
        assertEquals(List.of("secret.txt"), names(outside));
        assertEquals("SECRET\n", Files.readString(outside.resolve("secret.txt")));
        assertFalse(Files.exists(root.resolve("copied-out")));
        assertFalse(Files.exists(root.resolve("copied-secret.txt")));
        assertFalse(Files.exists(root.resolve("moved-secret.txt")));
        assertTrue(Files.isSymbolicLink(root.resolve("out-link")));
    }

    @Test
    void whoMayWriteWhere() throws Exception {
        HttpResponse<String> anon = send("PUT", "/fs/anon.txt", ANONYMOUS, bytes("a"));
        assertEquals(401, anon.statusCode());
        assertTrue(anon.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "), anon.headers().toString());
        assertEquals(401, send("DELETE", "/fs/hello.txt", ANONYMOUS, null).statusCode());
        assertEquals(401, send("MKCOL", "/fs/anon-dir", ANONYMOUS, null).statusCode());

        assertEquals(403, send("PUT", "/fs/bob.txt", BOB, bytes("b")).statusCode(), "a reader");
        assertEquals(403, send("MKCOL", "/fs/bob-dir", BOB, null).statusCode());
        assertEquals(403, send("DELETE", "/fs/hello.txt", BOB, null).statusCode());
        assertEquals(403, send("LOCK", "/fs/hello.txt", BOB, bytes(LOCKINFO)).statusCode());
        assertEquals(403, send("PROPPATCH", "/fs/hello.txt", BOB, bytes(proppatchSet("x"))).statusCode());
        assertEquals(200, send("GET", "/fs/hello.txt", BOB, null).statusCode(), "who reads");
        assertEquals(207, send("PROPFIND", "/fs/hello.txt", BOB, null, "Depth", "0").statusCode());

        assertEquals(403, send("PUT", "/fs/carol.txt", CAROL, bytes("c")).statusCode(), "outside her prefix");
        assertEquals(403, send("PUT", "/fs/carolx.txt", CAROL, bytes("c")).statusCode());
        assertEquals(201, send("PUT", "/fs/carol/mine.txt", CAROL, bytes("c")).statusCode());
        assertEquals(201, send("MKCOL", "/fs/carol/sub", CAROL, null).statusCode());
        assertEquals(403, send("COPY", "/fs/carol/mine.txt", CAROL, null, "Destination", "/fs/stolen.txt").statusCode(),
                "a copy out of her prefix writes outside it");
        assertEquals(201, send("COPY", "/fs/hello.txt", CAROL, null, "Destination", "/fs/carol/hello.txt").statusCode(),
                "a copy into it only reads the source");
        assertEquals(403, send("MOVE", "/fs/hello.txt", CAROL, null, "Destination", "/fs/carol/h2.txt").statusCode(),
                "a move removes the source");
        assertEquals(403, send("DELETE", "/fs/hello.txt", CAROL, null).statusCode());

        for (String never : List.of("anon.txt", "anon-dir", "bob.txt", "bob-dir", "carol.txt", "carolx.txt", "stolen.txt",
                "carol/h2.txt")) {
            assertFalse(Files.exists(root.resolve(never)), never);
        }
        assertEquals("hello\n", Files.readString(root.resolve("hello.txt")));
        assertEquals("hello\n", Files.readString(root.resolve("carol/hello.txt")));
        assertEquals("c", Files.readString(root.resolve("carol/mine.txt")));
    }

    @Test
    void wrongCredentialsAre401WithAChallenge() throws Exception {
        for (String auth : List.of(DavFixture.basic(ALICE, "wrong"), DavFixture.basic("mallory", DavFixture.PASSWORD))) {
            HttpResponse<String> res = client.send(request("/fs/wrong.txt").header("Authorization", auth)
                    .PUT(HttpRequest.BodyPublishers.ofString("w")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, res.statusCode());
            assertTrue(res.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="),
                    res.headers().toString());
        }
        HttpResponse<String> read = client.send(request("/fs/hello.txt").header("Authorization",
                DavFixture.basic(ALICE, "wrong")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, read.statusCode(), "wrong credentials are no anonymous read");
        assertFalse(Files.exists(root.resolve("wrong.txt")));
    }

    @Test
    void optionsAnnounceDav() throws Exception {
        HttpResponse<String> res = send("OPTIONS", "/fs/", ANONYMOUS, null);
        assertEquals(200, res.statusCode());
        assertEquals("1, 2", res.headers().firstValue("DAV").orElse(null));
        String allow = res.headers().firstValue("Allow").orElse("");
        for (String m : List.of("PUT", "DELETE", "MKCOL", "COPY", "MOVE", "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK")) {
            assertTrue(allow.contains(m), allow);
        }
    }

    // ---- MKCOL, DELETE ----

    @Test
    void mkcol() throws Exception {
        assertEquals(201, send("MKCOL", "/fs/mk", ALICE, null).statusCode());
        assertTrue(Files.isDirectory(root.resolve("mk")));
        assertTrue(find().contains("/mk"));
        assertEquals(405, send("MKCOL", "/fs/mk", ALICE, null).statusCode(), "it exists");
        assertEquals(405, send("MKCOL", "/fs/hello.txt", ALICE, null).statusCode(), "a file exists there");
        assertEquals(415, send("MKCOL", "/fs/mk-body", ALICE, bytes("<x/>")).statusCode());
        assertFalse(Files.exists(root.resolve("mk-body")));
        assertEquals(409, send("MKCOL", "/fs/mk-missing/child", ALICE, null).statusCode());
        assertFalse(Files.exists(root.resolve("mk-missing")));
        assertEquals(201, send("MKCOL", "/fs/mk/child/", ALICE, null).statusCode(), "a trailing slash");
        assertTrue(Files.isDirectory(root.resolve("mk/child")));
    }

    @Test
    void racingMkcolsOfOnePathAre201OnceAnd405ForTheRest() throws Exception {
        mkcol("/fs/mkrace");
        for (int round = 0; round < 5; round++) {
            String path = "/fs/mkrace/d" + round;
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                all.add(client.sendAsync(request(path).header("Authorization", DavFixture.basic(ALICE))
                        .method("MKCOL", HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> f : all) {
                statuses.add(f.get().statusCode());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(9, statuses.stream().filter(s -> s == 405).count(), statuses.toString());
            assertTrue(Files.isDirectory(root.resolve("mkrace/d" + round)));
        }
    }

    @Test
    void deleteOfADirectoryRemovesEverythingBelowIt() throws Exception {
        mkcol("/fs/del");
        mkcol("/fs/del/a");
        mkcol("/fs/del/a/b");
        mkcol("/fs/del/empty");
        assertEquals(201, put("/fs/del/top.txt", bytes("t")).statusCode());
        assertEquals(201, put("/fs/del/a/one.txt", bytes("1")).statusCode());
        assertEquals(201, put("/fs/del/a/b/two.txt", bytes("2")).statusCode());
        assertEquals(201, put("/fs/del-sibling.txt", bytes("s")).statusCode());

        assertEquals(204, send("DELETE", "/fs/del/top.txt", ALICE, null).statusCode());
        assertFalse(Files.exists(root.resolve("del/top.txt")));
        assertEquals(404, get("/fs/del/top.txt").statusCode());

        assertEquals(204, send("DELETE", "/fs/del", ALICE, null).statusCode());
        assertFalse(Files.exists(root.resolve("del")));
        assertTrue(find().stream().noneMatch(p -> p.equals("/del") || p.startsWith("/del/")), find().toString());
        assertEquals(404, get("/fs/del/a/b/two.txt").statusCode());
        assertEquals(404, send("PROPFIND", "/fs/del/", ALICE, null, "Depth", "0").statusCode());
        assertEquals("s", Files.readString(root.resolve("del-sibling.txt")), "a sibling with the same start stays");
        assertEquals(404, send("DELETE", "/fs/del", ALICE, null).statusCode());
    }

    @Test
    void deleteOfTheRootIsRefused() throws Exception {
        int status = send("DELETE", "/fs/", ALICE, null).statusCode();
        assertEquals(403, status);
        assertEquals("hello\n", Files.readString(root.resolve("hello.txt")));
        assertTrue(Files.isDirectory(root.resolve("carol")));
    }

    @Test
    void deleteOfACollectionWithDepthZeroIsRefused() throws Exception {
        mkcol("/fs/del0");
        assertEquals(201, put("/fs/del0/f", bytes("f")).statusCode());
        assertEquals(400, send("DELETE", "/fs/del0", ALICE, null, "Depth", "0").statusCode());
        assertEquals("f", Files.readString(root.resolve("del0/f")));
    }

    // ---- COPY, MOVE ----

    @Test
    void copyAndMoveOfFilesWithOverwrite() throws Exception {
        mkcol("/fs/cm");
        assertEquals(201, put("/fs/cm/src.txt", bytes("source")).statusCode());
        assertEquals(201, put("/fs/cm/other.txt", bytes("other")).statusCode());

        assertEquals(201, copy("/fs/cm/src.txt", "/fs/cm/copy.txt", null).statusCode());
        assertEquals("source", Files.readString(root.resolve("cm/copy.txt")));
        assertEquals("source", Files.readString(root.resolve("cm/src.txt")));
        assertTrue(find().contains("/cm/copy.txt"));

        assertEquals(412, copy("/fs/cm/src.txt", "/fs/cm/other.txt", "F").statusCode());
        assertEquals("other", Files.readString(root.resolve("cm/other.txt")));
        assertEquals(204, copy("/fs/cm/src.txt", "/fs/cm/other.txt", "T").statusCode());
        assertEquals("source", Files.readString(root.resolve("cm/other.txt")));
        assertEquals("source", new String(get("/fs/cm/other.txt").body(), StandardCharsets.UTF_8));

        assertEquals(204, put("/fs/cm/other.txt", bytes("other again")).statusCode());
        // An absolute Destination naming this server.
        assertEquals(201, send("MOVE", "/fs/cm/src.txt", ALICE, null, "Destination", base + "/fs/cm/moved.txt")
                .statusCode());
        assertFalse(Files.exists(root.resolve("cm/src.txt")));
        assertEquals("source", Files.readString(root.resolve("cm/moved.txt")));
        assertEquals(404, get("/fs/cm/src.txt").statusCode());
        assertFalse(find().contains("/cm/src.txt"));
        assertTrue(find().contains("/cm/moved.txt"));

        assertEquals(412, move("/fs/cm/moved.txt", "/fs/cm/other.txt", "F").statusCode());
        assertEquals("source", Files.readString(root.resolve("cm/moved.txt")));
        assertEquals("other again", Files.readString(root.resolve("cm/other.txt")));
        assertEquals(204, move("/fs/cm/moved.txt", "/fs/cm/other.txt", "T").statusCode());
        assertFalse(Files.exists(root.resolve("cm/moved.txt")));
        assertEquals("source", Files.readString(root.resolve("cm/other.txt")));
        assertEquals("source", new String(get("/fs/cm/other.txt").body(), StandardCharsets.UTF_8));

        assertEquals(404, copy("/fs/cm/nothing", "/fs/cm/x", null).statusCode());
        assertEquals(409, copy("/fs/cm/other.txt", "/fs/cm/no-dir/x", null).statusCode());
        assertEquals(403, copy("/fs/cm/other.txt", "/fs/cm/other.txt", "T").statusCode(), "onto itself");
        assertEquals(400, copy("/fs/cm/other.txt", "/fs/cm/x", "maybe").statusCode(), "Overwrite is T or F");
        assertFalse(Files.exists(root.resolve("cm/x")));
        assertEquals(List.of(), DavFixture.temps(root));
    }

    @Test
    void copyAndMoveOfDirectories() throws Exception {
        mkcol("/fs/cmd");
        mkcol("/fs/cmd/dir");
        mkcol("/fs/cmd/dir/sub");
        mkcol("/fs/cmd/dir/empty");
        assertEquals(201, put("/fs/cmd/dir/a.txt", bytes("a")).statusCode());
        assertEquals(201, put("/fs/cmd/dir/sub/b.bin", random(300_000, 3)).statusCode());
        Map<String, String> tree = tree(root.resolve("cmd/dir"));
        assertEquals(4, tree.size(), tree.toString());

        assertEquals(201, copy("/fs/cmd/dir", "/fs/cmd/copy", null).statusCode(), "Depth infinity by default");
        assertEquals(tree, tree(root.resolve("cmd/copy")));
        assertEquals(tree, tree(root.resolve("cmd/dir")), "the source stays");
        assertTrue(find().contains("/cmd/copy/sub/b.bin"));

        assertEquals(201, send("COPY", "/fs/cmd/dir", ALICE, null, "Destination", "/fs/cmd/flat", "Depth", "0")
                .statusCode());
        assertTrue(Files.isDirectory(root.resolve("cmd/flat")));
        assertEquals(Map.of(), tree(root.resolve("cmd/flat")), "Depth 0 copies the collection alone");

        assertEquals(412, copy("/fs/cmd/dir", "/fs/cmd/copy", "F").statusCode());
        assertEquals(400, send("MOVE", "/fs/cmd/dir", ALICE, null, "Destination", "/fs/cmd/m0", "Depth", "0")
                .statusCode(), "a move is always of the whole tree");
        assertFalse(Files.exists(root.resolve("cmd/m0")));

        assertEquals(201, move("/fs/cmd/dir", "/fs/cmd/moved", null).statusCode());
        assertFalse(Files.exists(root.resolve("cmd/dir")));
        assertEquals(tree, tree(root.resolve("cmd/moved")));
        assertTrue(find().stream().noneMatch(p -> p.startsWith("/cmd/dir")), find().toString());
        assertTrue(find().contains("/cmd/moved/sub/b.bin"));

        assertEquals(201, put("/fs/cmd/copy/extra.txt", bytes("extra")).statusCode());
        Map<String, String> bigger = tree(root.resolve("cmd/copy"));
        assertEquals(412, move("/fs/cmd/copy", "/fs/cmd/moved", "F").statusCode());
        assertEquals(tree, tree(root.resolve("cmd/moved")));
        assertEquals(204, move("/fs/cmd/copy", "/fs/cmd/moved", "T").statusCode());
        assertEquals(bigger, tree(root.resolve("cmd/moved")), "the old tree is replaced, not merged");
        assertFalse(Files.exists(root.resolve("cmd/copy")));

        assertEquals(204, copy("/fs/cmd/flat", "/fs/cmd/moved", "T").statusCode(), "an empty collection over a tree");
        assertEquals(Map.of(), tree(root.resolve("cmd/moved")));

        assertEquals(201, put("/fs/cmd/flat/f", bytes("f")).statusCode());
        assertEquals(403, copy("/fs/cmd/flat", "/fs/cmd/flat/inside", null).statusCode(), "into itself");
        assertEquals(403, move("/fs/cmd/flat", "/fs/cmd/flat/inside", null).statusCode());
        assertEquals(Map.of("f", Web.sha256(bytes("f"))), tree(root.resolve("cmd/flat")));
        assertEquals(List.of(), DavFixture.temps(root));
    }

    @Test
    void copyOrMoveOntoItsOwnParentLosesNothing() throws Exception {
        mkcol("/fs/up");
        mkcol("/fs/up/parent");
        assertEquals(201, put("/fs/up/parent/child.txt", bytes("child")).statusCode());
        assertEquals(201, put("/fs/up/parent/sibling.txt", bytes("sibling")).statusCode());
        Map<String, String> before = tree(root.resolve("up"));

        // Overwrite: T would delete the destination first, and the source with it.
        int move = move("/fs/up/parent/child.txt", "/fs/up/parent", "T").statusCode();
        int copy = copy("/fs/up/parent/child.txt", "/fs/up/parent", "T").statusCode();
        assertEquals(before, tree(root.resolve("up")), "MOVE answered " + move + ", COPY " + copy);
        assertEquals(403, move);
        assertEquals(403, copy);
        assertEquals(403, move("/fs/up/parent/child.txt", "/fs/up", "F").statusCode(), "a grandparent, too");
        assertEquals(before, tree(root.resolve("up")));
    }

    // ---- PROPFIND, PROPPATCH ----

    @Test
    void propfindDepthZeroAndOne() throws Exception {
        mkcol("/fs/pf");
        mkcol("/fs/pf/sub%20dir");
        byte[] spaced = random(1234, 4);
        assertEquals(201, put("/fs/pf/a%20b.txt", spaced).statusCode());
        assertEquals(201, put("/fs/pf/%C3%BC.txt", bytes("ü")).statusCode());
        assertEquals(201, put("/fs/pf/h%23x%25y%2Bz.txt", bytes("hash")).statusCode());

        HttpResponse<String> zero = send("PROPFIND", "/fs/pf/a%20b.txt", ALICE, null, "Depth", "0");
        assertEquals(207, zero.statusCode());
        assertTrue(zero.headers().firstValue("Content-Type").orElse("").contains("xml"), zero.headers().toString());
        Map<String, Resource> one = multistatus(zero.body());
        assertEquals(Set.of("/fs/pf/a%20b.txt"), one.keySet());
        Resource f = one.get("/fs/pf/a%20b.txt");
        assertEquals("1234", f.text("getcontentlength"));
        assertFalse(f.isCollection());
        assertEquals("a b.txt", f.text("displayname"));
        assertNotNull(f.text("getetag"));
        assertNotNull(f.text("getlastmodified"));

        HttpResponse<String> depth1 = send("PROPFIND", "/fs/pf/", ALICE, null, "Depth", "1");
        assertEquals(207, depth1.statusCode());
        Map<String, Resource> all = multistatus(depth1.body());
        assertEquals(Set.of("/fs/pf/", "/fs/pf/sub%20dir/", "/fs/pf/a%20b.txt", "/fs/pf/%C3%BC.txt",
                "/fs/pf/h%23x%25y%2Bz.txt"), all.keySet(), depth1.body());
        assertTrue(all.get("/fs/pf/").isCollection());
        assertTrue(all.get("/fs/pf/sub%20dir/").isCollection());
        assertNull(all.get("/fs/pf/sub%20dir/").text("getcontentlength"), "a collection has no length");
        assertEquals("1234", all.get("/fs/pf/a%20b.txt").text("getcontentlength"));
        assertEquals("2", all.get("/fs/pf/%C3%BC.txt").text("getcontentlength"));
        assertEquals("4", all.get("/fs/pf/h%23x%25y%2Bz.txt").text("getcontentlength"));
        assertFalse(all.get("/fs/pf/%C3%BC.txt").isCollection());

        // Named properties: the ones the resource lacks come back as 404.
        HttpResponse<String> named = send("PROPFIND", "/fs/pf/a%20b.txt", ALICE, bytes(
                "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:getcontentlength/>"
                        + "<Z:nope xmlns:Z=\"urn:dftp-test\"/></D:prop></D:propfind>"), "Depth", "0");
        assertEquals(207, named.statusCode());
        Resource r = multistatus(named.body()).get("/fs/pf/a%20b.txt");
        assertEquals(Map.of("DAV: getcontentlength", 200, "urn:dftp-test nope", 404), r.status, named.body());

        assertEquals(404, send("PROPFIND", "/fs/pf/missing", ALICE, null, "Depth", "0").statusCode());
        assertEquals(207, send("PROPFIND", "/fs/pf/", ANONYMOUS, null, "Depth", "1").statusCode(), "a read");
    }

    @Test
    void propfindOfInfiniteDepthIsRefused() throws Exception {
        for (String depth : new String[] {"infinity", null}) {
            HttpResponse<String> res = depth == null ? send("PROPFIND", "/fs/", ALICE, null)
                    : send("PROPFIND", "/fs/", ALICE, null, "Depth", depth);
            assertEquals(403, res.statusCode());
            assertTrue(res.body().contains("propfind-finite-depth"), res.body());
        }
        assertEquals(400, send("PROPFIND", "/fs/", ALICE, null, "Depth", "2").statusCode());
    }

    @Test
    void proppatchSetsAndRemovesDeadProperties() throws Exception {
        mkcol("/fs/pp");
        assertEquals(201, put("/fs/pp/f.txt", bytes("f")).statusCode());
        HttpResponse<String> set = send("PROPPATCH", "/fs/pp/f.txt", ALICE, bytes(proppatchSet("red & blue")));
        assertEquals(207, set.statusCode());
        assertEquals(Map.of("urn:dftp-test color", 200), multistatus(set.body()).get("/fs/pp/f.txt").status);

        Resource r = multistatus(send("PROPFIND", "/fs/pp/f.txt", ALICE, null, "Depth", "0").body()).get("/fs/pp/f.txt");
        assertEquals("red & blue", r.text("urn:dftp-test color"));
        Resource named = multistatus(send("PROPFIND", "/fs/pp/f.txt", ALICE, bytes(propfindColor()), "Depth", "0")
                .body()).get("/fs/pp/f.txt");
        assertEquals("red & blue", named.text("urn:dftp-test color"));

        // A protected property fails the whole request: the property set with it is not set either.
        HttpResponse<String> mixed = send("PROPPATCH", "/fs/pp/f.txt", ALICE, bytes(
                "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:dftp-test\"><D:set><D:prop>"
                        + "<Z:size>big</Z:size><D:getcontentlength>5</D:getcontentlength></D:prop></D:set>"
                        + "</D:propertyupdate>"));
        assertEquals(207, mixed.statusCode());
        assertEquals(Map.of("urn:dftp-test size", 424, "DAV: getcontentlength", 403),
                multistatus(mixed.body()).get("/fs/pp/f.txt").status, mixed.body());
        assertNull(allprop("/fs/pp/f.txt").text("urn:dftp-test size"));

        HttpResponse<String> remove = send("PROPPATCH", "/fs/pp/f.txt", ALICE, bytes(
                "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:dftp-test\"><D:remove>"
                        + "<D:prop><Z:color/></D:prop></D:remove></D:propertyupdate>"));
        assertEquals(207, remove.statusCode());
        Resource after = allprop("/fs/pp/f.txt");
        assertNull(after.text("urn:dftp-test color"), "gone from allprop");
        assertEquals("1", after.text("getcontentlength"));
        Resource askedFor = multistatus(send("PROPFIND", "/fs/pp/f.txt", ALICE, bytes(propfindColor()), "Depth", "0")
                .body()).get("/fs/pp/f.txt");
        assertEquals(Map.of("urn:dftp-test color", 404), askedFor.status);
        assertEquals(404, send("PROPPATCH", "/fs/pp/none", ALICE, bytes(proppatchSet("x"))).statusCode());
    }

    @Test
    void deadPropertiesFollowMoveAndCopyAndGoWithDelete() throws Exception {
        mkcol("/fs/dp");
        assertEquals(201, put("/fs/dp/a", bytes("a")).statusCode());
        assertEquals(207, send("PROPPATCH", "/fs/dp/a", ALICE, bytes(proppatchSet("green"))).statusCode());
        assertEquals(201, move("/fs/dp/a", "/fs/dp/b", null).statusCode());
        assertEquals("green", allprop("/fs/dp/b").text("urn:dftp-test color"));
        assertEquals(201, copy("/fs/dp/b", "/fs/dp/c", null).statusCode());
        assertEquals("green", allprop("/fs/dp/c").text("urn:dftp-test color"));
        assertEquals(204, send("DELETE", "/fs/dp/c", ALICE, null).statusCode());
        assertEquals(201, put("/fs/dp/c", bytes("new")).statusCode());
        assertNull(allprop("/fs/dp/c").text("urn:dftp-test color"), "a new file starts without");
    }

    // ---- LOCK, UNLOCK ----

    @Test
    void aLockedFileTakesWritesOnlyWithItsToken() throws Exception {
        mkcol("/fs/lk");
        assertEquals(201, put("/fs/lk/f.txt", bytes("before")).statusCode());
        HttpResponse<String> lock = send("LOCK", "/fs/lk/f.txt", ALICE, bytes(LOCKINFO), "Timeout", "Second-600");
        assertEquals(200, lock.statusCode());
        String token = lockToken(lock);
        assertTrue(lock.body().contains(token), lock.body());

        assertEquals(423, put("/fs/lk/f.txt", bytes("no token")).statusCode());
        assertEquals(423, send("DELETE", "/fs/lk/f.txt", ALICE, null).statusCode());
        assertEquals(423, move("/fs/lk/f.txt", "/fs/lk/g.txt", null).statusCode());
        assertEquals(423, send("LOCK", "/fs/lk/f.txt", ALICE, bytes(LOCKINFO)).statusCode(), "exclusive");
        assertEquals(423, send("PROPPATCH", "/fs/lk/f.txt", ALICE, bytes(proppatchSet("locked"))).statusCode());
        assertEquals(423, copy("/fs/hello.txt", "/fs/lk/f.txt", "T").statusCode(), "a copy onto it");
        assertEquals(400, send("UNLOCK", "/fs/lk/f.txt", ALICE, null).statusCode(), "UNLOCK names its lock");
        assertEquals("before", Files.readString(root.resolve("lk/f.txt")));
        assertFalse(Files.exists(root.resolve("lk/g.txt")));

        assertEquals(412, send("PUT", "/fs/lk/f.txt", ALICE, bytes("wrong token"), "If",
                "(<opaquelocktoken:00000000-0000-0000-0000-000000000000>)").statusCode());
        assertEquals(400, send("PUT", "/fs/lk/f.txt", ALICE, bytes("bad If"), "If", "(<" + token).statusCode());
        assertEquals("before", Files.readString(root.resolve("lk/f.txt")));

        assertEquals(204, send("PUT", "/fs/lk/f.txt", ALICE, bytes("with token"), "If", "(<" + token + ">)")
                .statusCode());
        assertEquals("with token", Files.readString(root.resolve("lk/f.txt")));
        Resource r = allprop("/fs/lk/f.txt");
        assertTrue(r.xml("lockdiscovery").contains(token), r.xml("lockdiscovery"));

        HttpResponse<String> refresh = send("LOCK", "/fs/lk/f.txt", ALICE, null, "If", "(<" + token + ">)",
                "Timeout", "Second-900");
        assertEquals(200, refresh.statusCode(), "a LOCK without a body refreshes");
        assertTrue(refresh.body().contains("Second-900"), refresh.body());
        assertEquals(412, send("LOCK", "/fs/lk/f.txt", ALICE, null, "If",
                "(<opaquelocktoken:00000000-0000-0000-0000-000000000000>)").statusCode());

        assertEquals(409, send("UNLOCK", "/fs/lk/f.txt", ALICE, null, "Lock-Token",
                "<opaquelocktoken:00000000-0000-0000-0000-000000000000>").statusCode());
        assertEquals(204, send("UNLOCK", "/fs/lk/f.txt", ALICE, null, "Lock-Token", "<" + token + ">").statusCode());
        assertEquals(204, put("/fs/lk/f.txt", bytes("after")).statusCode());
        assertEquals("after", Files.readString(root.resolve("lk/f.txt")));
    }

    @Test
    void aLockOnAnUnmappedUrlCreatesAnEmptyFile() throws Exception {
        mkcol("/fs/lk-new");
        HttpResponse<String> lock = send("LOCK", "/fs/lk-new/f.txt", ALICE, bytes(LOCKINFO));
        assertEquals(201, lock.statusCode());
        String token = lockToken(lock);
        assertEquals(0, Files.size(root.resolve("lk-new/f.txt")));
        assertTrue(find().contains("/lk-new/f.txt"));
        assertEquals(423, put("/fs/lk-new/f.txt", bytes("no")).statusCode());
        assertEquals(204, send("PUT", "/fs/lk-new/f.txt", ALICE, bytes("yes"), "If", "(<" + token + ">)").statusCode());
        assertEquals("yes", Files.readString(root.resolve("lk-new/f.txt")));
        assertEquals(204, send("UNLOCK", "/fs/lk-new/f.txt", ALICE, null, "Lock-Token", "<" + token + ">").statusCode());
    }

    @Test
    void aDeepLockOnACollectionGuardsItsMembers() throws Exception {
        mkcol("/fs/lk-dir");
        assertEquals(201, put("/fs/lk-dir/old.txt", bytes("old")).statusCode());
        HttpResponse<String> lock = send("LOCK", "/fs/lk-dir", ALICE, bytes(LOCKINFO), "Depth", "infinity");
        assertEquals(200, lock.statusCode());
        String token = lockToken(lock);

        assertEquals(423, put("/fs/lk-dir/new.txt", bytes("n")).statusCode(), "a new member");
        assertEquals(423, send("MKCOL", "/fs/lk-dir/sub", ALICE, null).statusCode());
        assertEquals(423, copy("/fs/hello.txt", "/fs/lk-dir/hello.txt", null).statusCode());
        assertEquals(423, send("DELETE", "/fs/lk-dir", ALICE, null).statusCode());
        assertFalse(Files.exists(root.resolve("lk-dir/new.txt")));
        assertFalse(Files.exists(root.resolve("lk-dir/sub")));
        assertFalse(Files.exists(root.resolve("lk-dir/hello.txt")));

        assertEquals(201, send("PUT", "/fs/lk-dir/new.txt", ALICE, bytes("n"), "If", "(<" + token + ">)").statusCode());
        // Tagged with the collection's URL, as clients send it for members.
        assertEquals(204, send("PUT", "/fs/lk-dir/old.txt", ALICE, bytes("o2"), "If",
                "<" + base + "/fs/lk-dir> (<" + token + ">)").statusCode());
        assertEquals("o2", Files.readString(root.resolve("lk-dir/old.txt")));
        assertEquals(204, send("UNLOCK", "/fs/lk-dir", ALICE, null, "Lock-Token", "<" + token + ">").statusCode());
        assertEquals(204, send("DELETE", "/fs/lk-dir", ALICE, null).statusCode());
        assertFalse(Files.exists(root.resolve("lk-dir")));
    }

    // ---- Bad input touches nothing ----

    @Test
    void badDestinationsAreRefusedAndNothingMoves() throws Exception {
        mkcol("/fs/bd");
        assertEquals(201, put("/fs/bd/src.txt", bytes("src")).statusCode());
        for (String method : List.of("COPY", "MOVE")) {
            assertEquals(502, send(method, "/fs/bd/src.txt", ALICE, null, "Destination", "http://other.example/fs/bd/x")
                    .statusCode(), method);
            for (String dest : List.of("/etc/passwd", "/fs/../x", "/fs/bd/../../x", "/fs/bd/a%2Fb", "/fs/bd/a%0Ab",
                    "/fs/bd/a%01b", "/fs/bd/x?y", "ftp://127.0.0.1/fs/bd/x", "/fs/bd/.dftp-upload-x", "")) {
                HttpResponse<String> res = send(method, "/fs/bd/src.txt", ALICE, null, "Destination", dest);
                assertEquals(400, res.statusCode(), method + " to " + dest + ": " + res.body());
            }
            assertEquals(400, send(method, "/fs/bd/src.txt", ALICE, null).statusCode(), method + " without Destination");
        }
        assertEquals(List.of("src.txt"), names(root.resolve("bd")));
        assertEquals("src", Files.readString(root.resolve("bd/src.txt")));
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void badRequestPathsAreRefusedAndNothingIsWritten() throws Exception {
        mkcol("/fs/bp");
        for (String target : List.of("/fs/../bp-x", "/fs/bp/../../bp-x", "/fs/bp/a%2Fb", "/fs/bp/a%01b", "/fs/bp/a%0Ab",
                "/fs/bp/a%0Db", "/fs/bp/a%00b", "/fs/bp/a%5Cb", "/fs/bp/%2e%2e/bp-x", "/fs/bp/x#frag")) {
            for (String method : List.of("PUT", "MKCOL")) {
                try (RawClient raw = new RawClient(node.httpPort())) {
                    raw.send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                            + DavFixture.basic(ALICE) + "\r\nContent-Length: 1\r\n\r\nx");
                    RawResponse res = raw.read(method);
                    assertNotNull(res, method + " " + target);
                    assertEquals(400, res.status(), method + " " + target + ": " + res.text());
                }
            }
        }
        assertEquals(List.of(), names(root.resolve("bp")));
        assertFalse(Files.exists(root.resolve("bp-x")));
        assertFalse(Files.exists(tmp.resolve("bp-x")));
    }

    @Test
    void reservedUploadNamesAreRefused() throws Exception {
        mkcol("/fs/rn");
        assertEquals(201, put("/fs/rn/f", bytes("f")).statusCode());
        assertEquals(400, put("/fs/rn/.dftp-upload-x", bytes("x")).statusCode());
        assertEquals(400, send("MKCOL", "/fs/rn/.dftp-upload-y", ALICE, null).statusCode());
        assertEquals(400, copy("/fs/rn/f", "/fs/rn/.dftp-upload-z", null).statusCode());
        assertEquals(400, move("/fs/rn/f", "/fs/rn/.dftp-upload-z", null).statusCode());
        assertEquals(400, send("LOCK", "/fs/rn/.dftp-upload-w", ALICE, bytes(LOCKINFO)).statusCode());
        assertEquals(List.of("f"), names(root.resolve("rn")));
    }

    @Test
    void xmlWithADocumentTypeIsRefusedAndNoEntityIsRead() throws Exception {
        mkcol("/fs/xx");
        assertEquals(201, put("/fs/xx/f.txt", bytes("f")).statusCode());
        String passwd = Files.isReadable(Path.of("/etc/passwd")) ? Files.readAllLines(Path.of("/etc/passwd")).get(0) : null;
        String evil = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>";
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("PROPFIND", evil + "<D:propfind xmlns:D=\"DAV:\"><D:prop><Z:e xmlns:Z=\"urn:x\">&e;</Z:e></D:prop>"
                + "</D:propfind>");
        bodies.put("PROPPATCH", evil + "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:dftp-test\"><D:set><D:prop>"
                + "<Z:color>&e;</Z:color></D:prop></D:set></D:propertyupdate>");
        bodies.put("LOCK", evil + "<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope><D:locktype>"
                + "<D:write/></D:locktype><D:owner>&e;</D:owner></D:lockinfo>");
        for (Map.Entry<String, String> b : bodies.entrySet()) {
            HttpResponse<String> res = send(b.getKey(), "/fs/xx/f.txt", ALICE, bytes(b.getValue()), "Depth", "0");
            assertEquals(400, res.statusCode(), b.getKey() + ": " + res.body());
            if (passwd != null) {
                assertFalse(res.body().contains(passwd), res.body());
            }
        }
        Resource r = allprop("/fs/xx/f.txt");
        assertNull(r.text("urn:dftp-test color"), "no property was set");
        assertEquals("<D:lockdiscovery/>", r.xml("lockdiscovery").replace(" xmlns:D=\"DAV:\"", ""), "no lock was taken");
        if (passwd != null) {
            String everything = send("PROPFIND", "/fs/xx/f.txt", ALICE, null, "Depth", "0").body();
            assertFalse(everything.contains(passwd), everything);
        }
        assertEquals(204, put("/fs/xx/f.txt", bytes("unlocked")).statusCode());
    }

    @Test
    void xmlBodiesOver64KiBAreRefused() throws Exception {
        mkcol("/fs/big-xml");
        assertEquals(201, put("/fs/big-xml/f.txt", bytes("f")).statusCode());
        String padding = " ".repeat(70 * 1024);
        String propfind = "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:allprop/>" + padding + "</D:propfind>";
        String proppatch = "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:dftp-test\"><D:set>"
                + "<D:prop><Z:color>red</Z:color></D:prop></D:set>" + padding + "</D:propertyupdate>";
        assertEquals(400, send("PROPFIND", "/fs/big-xml/f.txt", ALICE, bytes(propfind), "Depth", "0").statusCode());
        assertEquals(400, send("PROPPATCH", "/fs/big-xml/f.txt", ALICE, bytes(proppatch)).statusCode());
        assertEquals(400, send("LOCK", "/fs/big-xml/f.txt", ALICE, bytes(LOCKINFO.replace("</D:lockinfo>",
                padding + "</D:lockinfo>"))).statusCode());
        Resource r = allprop("/fs/big-xml/f.txt");
        assertNull(r.text("urn:dftp-test color"));
        assertEquals(204, put("/fs/big-xml/f.txt", bytes("not locked")).statusCode());
    }

    // ---- Other nodes' configurations ----

    @Test
    void aNodeWithoutUsersIsReadOnly(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("f.txt"), "f");
        Files.createDirectories(dir.resolve("d"));
        try (DftpNode ro = DavFixture.start(dir, NodeConfig.Writes.READ_ONLY)) {
            String url = "http://127.0.0.1:" + ro.httpPort();
            Map<String, String[]> writes = new LinkedHashMap<>();
            writes.put("PUT", new String[] {"/fs/new.txt"});
            writes.put("MKCOL", new String[] {"/fs/newdir"});
            writes.put("DELETE", new String[] {"/fs/f.txt"});
            writes.put("COPY", new String[] {"/fs/f.txt", "Destination", "/fs/copy.txt"});
            writes.put("MOVE", new String[] {"/fs/f.txt", "Destination", "/fs/moved.txt"});
            writes.put("PROPPATCH", new String[] {"/fs/f.txt"});
            writes.put("LOCK", new String[] {"/fs/f.txt"});
            writes.put("UNLOCK", new String[] {"/fs/f.txt", "Lock-Token", "<opaquelocktoken:x>"});
            for (Map.Entry<String, String[]> w : writes.entrySet()) {
                String[] a = w.getValue();
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + a[0])).timeout(Duration.ofSeconds(30));
                for (int i = 1; i + 1 < a.length; i += 2) {
                    b.header(a[i], a[i + 1]);
                }
                byte[] body = switch (w.getKey()) {
                    case "PUT" -> bytes("new");
                    case "PROPPATCH" -> bytes(proppatchSet("x"));
                    case "LOCK" -> bytes(LOCKINFO);
                    default -> new byte[0];
                };
                HttpResponse<String> res = client.send(b.method(w.getKey(), HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(403, res.statusCode(), w.getKey());
                assertTrue(res.body().contains("read-only"), w.getKey() + ": " + res.body());
            }
            assertEquals(List.of("d", "f.txt"), names(dir));
            assertEquals("f", Files.readString(dir.resolve("f.txt")));
            assertEquals(200, Web.get(url + "/fs/f.txt").statusCode());
            assertEquals(207, client.send(HttpRequest.newBuilder(URI.create(url + "/fs/")).header("Depth", "1")
                    .method("PROPFIND", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void withoutAnonymousReadsEveryReadNeedsAUser(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("f.txt"), "f");
        try (DftpNode closed = DavFixture.start(dir, new NodeConfig.Writes(users, false, 0))) {
            String url = "http://127.0.0.1:" + closed.httpPort();
            for (String path : List.of("/fs/f.txt", "/fs/", "/find/", "/")) {
                HttpResponse<byte[]> res = Web.get(url + path);
                assertEquals(401, res.statusCode(), path);
                assertTrue(res.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "), path);
            }
            assertEquals(401, client.send(HttpRequest.newBuilder(URI.create(url + "/fs/")).header("Depth", "1")
                    .method("PROPFIND", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            for (String user : List.of(ALICE, BOB)) {
                HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create(url + "/fs/f.txt"))
                        .header("Authorization", DavFixture.basic(user)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, res.statusCode(), user);
                assertEquals("f", res.body());
            }
        }
    }

    @Test
    void theUploadLimitIsEnforcedBeforeAndWhileTheBodyArrives(@TempDir Path dir) throws Exception {
        try (DftpNode limited = DavFixture.start(dir, new NodeConfig.Writes(users, true, 1000))) {
            int port = limited.httpPort();
            String auth = "Authorization: " + DavFixture.basic(ALICE);

            // Content-Length over the limit: answered at once, no body sent.
            try (RawClient raw = new RawClient(port)) {
                raw.request("PUT", "/fs/declared.bin", auth, "Content-Length: 2000");
                RawResponse res = raw.read("PUT");
                assertEquals(413, res.status(), res.text());
            }
            // A small body behind a refusal is read and dropped, and the connection serves on.
            try (RawClient raw = new RawClient(port)) {
                raw.request("PUT", "/fs/declared.bin", auth, "Content-Length: 2000");
                assertEquals(413, raw.read("PUT").status());
                raw.send("y".repeat(2000));
                raw.request("OPTIONS", "/fs/");
                assertEquals(200, raw.read("OPTIONS").status());
            }
            // With Expect: 100-continue, no 100 comes first.
            try (RawClient raw = new RawClient(port)) {
                raw.request("PUT", "/fs/expected.bin", auth, "Content-Length: 2000", "Expect: 100-continue");
                RawResponse res = raw.read("PUT");
                assertEquals(413, res.status(), res.text());
                assertTrue(raw.closedByServer(), "the body that never came is not waited for");
            }
            // Chunked, so only the bytes tell.
            try (RawClient raw = new RawClient(port)) {
                raw.request("PUT", "/fs/chunked.bin", auth, "Transfer-Encoding: chunked");
                String chunk = "x".repeat(500);
                for (int i = 0; i < 4; i++) {
                    raw.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
                }
                raw.send("0\r\n\r\n");
                RawResponse res = raw.read("PUT");
                assertEquals(413, res.status(), res.text());
                assertTrue(raw.closedByServer());
            }
            // Chunked and far over the limit: refused while it arrives, the rest never read.
            try (RawClient raw = new RawClient(port)) {
                raw.request("PUT", "/fs/flood.bin", auth, "Transfer-Encoding: chunked");
                String chunk = "z".repeat(64 * 1024);
                try {
                    for (int i = 0; i < 64; i++) {
                        raw.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
                    }
                    raw.send("0\r\n\r\n");
                } catch (IOException closed) {
                    // the server closed the connection while we were sending: what it should do
                }
                RawResponse res = raw.read("PUT");
                assertEquals(413, res.status(), res.text());
            }
            assertEquals(List.of(), names(dir), "the temp file went before the answer");
            assertEquals(List.of(), names(dir), "no file, no temp file");

            // At the limit, it goes in.
            byte[] exactly = random(1000, 5);
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/fs/exactly.bin")).header("Authorization", DavFixture.basic(ALICE))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(exactly)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, ok.statusCode());
            assertArrayEquals(exactly, Files.readAllBytes(dir.resolve("exactly.bin")));
            assertEquals(List.of("exactly.bin"), names(dir));
        }
    }

    // ---- Uploads that go wrong, many at once, and large ----

    @Test
    void anUploadCutOffMidwayLeavesNothing() throws Exception {
        mkcol("/fs/cut");
        int length = 1 << 20;
        try (RawClient raw = new RawClient(node.httpPort())) {
            raw.request("PUT", "/fs/cut/half.bin", "Authorization: " + DavFixture.basic(ALICE),
                    "Content-Length: " + length);
            raw.send(new String(random(length / 2, 6), StandardCharsets.ISO_8859_1));
            awaitTrue(() -> !DavFixture.temps(root.resolve("cut")).isEmpty(), "the upload started");
        }
        awaitTrue(() -> DavFixture.temps(root.resolve("cut")).isEmpty(), "the temp file is gone within 2 s");
        assertEquals(List.of(), names(root.resolve("cut")));
        assertFalse(find().contains("/cut/half.bin"));
        assertEquals(404, get("/fs/cut/half.bin").statusCode());
    }

    @Test
    void concurrentUploadsOfOnePathEndAsOneOfThemWhole() throws Exception {
        mkcol("/fs/race");
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            bodies.add(random(256 * 1024, 100 + i));
        }
        List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
        for (byte[] b : bodies) {
            puts.add(client.sendAsync(request("/fs/race/one.bin").header("Authorization", DavFixture.basic(ALICE))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(b)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> p : puts) {
            int status = p.get().statusCode();
            assertTrue(status == 201 || status == 204, "status " + status);
        }
        byte[] onDisk = Files.readAllBytes(root.resolve("race/one.bin"));
        assertTrue(bodies.stream().anyMatch(b -> java.util.Arrays.equals(b, onDisk)), "one of the bodies, whole");
        assertArrayEquals(onDisk, get("/fs/race/one.bin").body());
        assertEquals(List.of("one.bin"), names(root.resolve("race")), "no temp files");
    }

    @Test
    void aLargeUploadArrivesByteExact() throws Exception {
        mkcol("/fs/large");
        long size = 50L << 20;
        String want = Web.sha256(new Generated(size, 7));
        HttpResponse<String> res = client.send(request("/fs/large/big.bin").header("Authorization", DavFixture.basic(ALICE))
                .timeout(Duration.ofSeconds(120))
                .PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(size, 7)), size)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, res.statusCode(), res.body());
        assertEquals(size, Files.size(root.resolve("large/big.bin")));
        try (InputStream in = Files.newInputStream(root.resolve("large/big.bin"))) {
            assertEquals(want, Web.sha256(in));
        }
        HttpResponse<InputStream> back = client.send(request("/fs/large/big.bin").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = back.body()) {
            assertEquals(want, Web.sha256(in), "served back as sent");
        }
        assertEquals(List.of(), DavFixture.temps(root.resolve("large")));
    }

    // ---- Helpers ----

    static final String LOCKINFO = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:lockinfo xmlns:D=\"DAV:\">"
            + "<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>"
            + "<D:owner><D:href>mailto:alice@example.com</D:href></D:owner></D:lockinfo>";

    static String proppatchSet(String color) {
        return "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:dftp-test\"><D:set><D:prop>"
                + "<Z:color>" + color.replace("&", "&amp;").replace("<", "&lt;") + "</Z:color></D:prop></D:set>"
                + "</D:propertyupdate>";
    }

    static String propfindColor() {
        return "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><Z:color xmlns:Z=\"urn:dftp-test\"/>"
                + "</D:prop></D:propfind>";
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    }

    /** {@code method} on {@code path} as {@code user} (null: anonymous), with header name/value pairs. */
    static HttpResponse<String> send(String method, String path, String user, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path);
        if (user != null) {
            b.header("Authorization", DavFixture.basic(user));
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> put(String path, byte[] body) throws IOException, InterruptedException {
        return send("PUT", path, ALICE, body);
    }

    static void mkcol(String path) throws IOException, InterruptedException {
        HttpResponse<String> res = send("MKCOL", path, ALICE, null);
        assertEquals(201, res.statusCode(), "MKCOL " + path + ": " + res.body());
    }

    static HttpResponse<String> copy(String from, String to, String overwrite) throws IOException, InterruptedException {
        return overwrite == null ? send("COPY", from, ALICE, null, "Destination", to)
                : send("COPY", from, ALICE, null, "Destination", to, "Overwrite", overwrite);
    }

    static HttpResponse<String> move(String from, String to, String overwrite) throws IOException, InterruptedException {
        return overwrite == null ? send("MOVE", from, ALICE, null, "Destination", to)
                : send("MOVE", from, ALICE, null, "Destination", to, "Overwrite", overwrite);
    }

    static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static List<String> find() throws IOException, InterruptedException {
        String body = Web.text(base + "/find/");
        return body.isEmpty() ? List.of() : List.of(body.split("\r?\n"));
    }

    static String lockToken(HttpResponse<String> lock) {
        String t = lock.headers().firstValue("Lock-Token").orElseThrow();
        assertTrue(t.startsWith("<opaquelocktoken:") && t.endsWith(">"), t);
        return t.substring(1, t.length() - 1);
    }

    static Resource allprop(String path) throws Exception {
        HttpResponse<String> res = send("PROPFIND", path, ALICE, null, "Depth", "0");
        assertEquals(207, res.statusCode(), res.body());
        Map<String, Resource> all = multistatus(res.body());
        assertEquals(1, all.size(), res.body());
        return all.values().iterator().next();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The names in a directory on disk, sorted: temp files included. */
    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every file and directory below {@code dir}: relative path to the sha256 of its bytes, or "dir". */
    static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.equals(dir)) {
                    out.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir" : Web.sha256(Files.readAllBytes(p)));
                }
            }
        }
        return out;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls {@code c} for up to 2 s. */
    static void awaitTrue(Check c, String what) throws Exception {
        long end = System.nanoTime() + 2_000_000_000L;
        while (!c.ok()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within 2 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** One {@code D:response} of a multistatus: each property's status and, for the found ones, the element. */
    record Resource(String href, Map<String, Integer> status, Map<String, Element> found) {
        /** The text of a found property: a DAV: local name, or "namespace local". */
        String text(String key) {
            Element e = found.get(key.contains(" ") ? key : "DAV: " + key);
            return e == null ? null : e.getTextContent();
        }

        String xml(String key) {
            Element e = found.get(key.contains(" ") ? key : "DAV: " + key);
            if (e == null) {
                return null;
            }
            try {
                var t = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
                t.setOutputProperty(javax.xml.transform.OutputKeys.OMIT_XML_DECLARATION, "yes");
                var w = new java.io.StringWriter();
                t.transform(new javax.xml.transform.dom.DOMSource(e), new javax.xml.transform.stream.StreamResult(w));
                return w.toString();
            } catch (javax.xml.transform.TransformerException x) {
                throw new AssertionError(x);
            }
        }

        boolean isCollection() {
            Element rt = found.get("DAV: resourcetype");
            assertNotNull(rt, "resourcetype of " + href);
            for (Node n = rt.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element c && "DAV:".equals(c.getNamespaceURI()) && "collection".equals(c.getLocalName())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A multistatus body by href; fails on a body that is not one. */
    static Map<String, Resource> multistatus(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element ms = doc.getDocumentElement();
        assertEquals("multistatus", ms.getLocalName(), xml);
        Map<String, Resource> out = new LinkedHashMap<>();
        for (Element response : children(ms, "response")) {
            String href = children(response, "href").get(0).getTextContent();
            Map<String, Integer> status = new LinkedHashMap<>();
            Map<String, Element> found = new LinkedHashMap<>();
            for (Element propstat : children(response, "propstat")) {
                int code = Integer.parseInt(children(propstat, "status").get(0).getTextContent().split(" ")[1]);
                for (Element prop : children(propstat, "prop")) {
                    for (Node n = prop.getFirstChild(); n != null; n = n.getNextSibling()) {
                        if (n instanceof Element p) {
                            String key = (p.getNamespaceURI() == null ? "" : p.getNamespaceURI()) + " " + p.getLocalName();
                            status.put(key, code);
                            if (code == 200) {
                                found.put(key, p);
                            }
                        }
                    }
                }
            }
            assertNull(out.put(href, new Resource(href, status, found)), "one response per href: " + href);
        }
        return out;
    }

    private static List<Element> children(Element e, String davName) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && "DAV:".equals(c.getNamespaceURI()) && davName.equals(c.getLocalName())) {
                out.add(c);
            }
        }
        return out;
    }

    /** {@code size} bytes from a seeded generator, in 64 KiB blocks: a large body without holding it. */
    static final class Generated extends InputStream {
        private final Random random;
        private final byte[] block = new byte[64 * 1024];
        private long left;
        private int pos = block.length;

        Generated(long size, long seed) {
            this.left = size;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            if (pos == block.length) {
                random.nextBytes(block);
                pos = 0;
            }
            int n = (int) Math.min(Math.min(len, block.length - pos), left);
            System.arraycopy(block, pos, b, off, n);
            pos += n;
            left -= n;
            return n;
        }
    }
}
