package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
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
 * Names that are not UTF-8 ({@code caf\xe9.txt}, from an old Latin-1 share) on node b's disk, served by both
 * nodes under their escaped DFS names ({@code caf‛E9.txt}) over HTTP, through the proxy hop, in listings, over
 * FTP and on the wire between the nodes; written back to the very bytes they stand for; a name that is not
 * the escape's one spelling refused before anything is written. The files are made and read by the shell,
 * not by the code under test.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class NonUtf8NamesTest {
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");
    private static final String AUTH = "Basic " + Base64.getEncoder()
            .encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
    /** caf‛E9.txt, percent-encoded as a URL carries it. */
    private static final String CAFE = "caf%E2%80%9BE9.txt";

    @TempDir
    Path base;
    private final List<DftpNode> nodes = new ArrayList<>();
    private DftpNode a;
    private DftpNode b;
    private Path bRoot;

    @BeforeEach
    void cluster() throws Exception {
        Path users = base.resolve("users");
        Files.writeString(users, "alice:" + ClusterWritesTest.hash("secret") + ":write\n");
        bRoot = Files.createDirectories(base.resolve("b"));
        Files.createDirectories(bRoot.resolve("share"));
        assumeTrue(shell("printf hello > \"$1/share/$(printf 'caf\\351.txt')\" && mkdir \"$1/share/$(printf 'd\\377')\""
                + " && printf inside > \"$1/share/$(printf 'd\\377')/in.txt\"") == 0,
                "sh and printf(1) make names that are not UTF-8");
        a = start("a", Files.createDirectories(base.resolve("a")), users);
        b = start("b", bRoot, users);
        var joined = Web.postForm("http://127.0.0.1:" + a.mgmtPort() + "/join/", "peer=127.0.0.1:" + b.mgmtPort());
        assertEquals(200, joined.statusCode(), joined.body());
        awaitStatus(a, "/fs/share/" + CAFE, 200);
    }

    @AfterEach
    void stop() {
        nodes.forEach(DftpNode::close);
    }

    private DftpNode start(String name, Path root, Path users) throws Exception {
        DftpNode n = DftpNode.start(NodeConfig.defaults(name, root)
                .withListen(ANY, ANY, ANY)
                .withMulticast(null)
                .withWrites(new NodeConfig.Writes(users, true, 0)));
        nodes.add(n);
        return n;
    }

    @Test
    void bothNodesServeTheFileAndListItUnderItsEscapedName() throws Exception {
        for (DftpNode n : List.of(b, a)) { // the owner, then through the proxy hop
            HttpResponse<byte[]> r = Web.get(url(n, "/fs/share/" + CAFE));
            assertEquals(200, r.statusCode(), n.config().nodeName());
            assertEquals("hello", new String(r.body(), StandardCharsets.UTF_8));
            assertEquals("inside", Web.text(url(n, "/fs/share/d%E2%80%9BFF/in.txt")));
            String json = Web.text(url(n, "/fs/share/?format=json"));
            assertTrue(json.contains("\"name\":\"caf\u201BE9.txt\"") && json.contains("\"name\":\"d\u201BFF\""), json);
            String page = Web.text(url(n, "/fs/share/"));
            assertTrue(page.contains("caf\u201BE9.txt") && page.contains("href=\"" + CAFE + "\""), page);
        }
        // The JDK's lossy decoding of the name never names it.
        assertEquals(404, Web.get(url(a, "/fs/share/caf%EF%BF%BD.txt")).statusCode());
        assertEquals(400, Web.get(url(a, "/fs/share/caf%E9.txt")).statusCode(), "not UTF-8 in the URL");
    }

    @Test
    void ftpListsAndRetrievesIt() throws Exception {
        FTPClient ftp = new FTPClient();
        ftp.setControlEncoding("UTF-8");
        ftp.connect("127.0.0.1", a.ftpPort());
        try {
            assertTrue(ftp.login("alice", "secret"), ftp.getReplyString());
            ftp.enterLocalPassiveMode();
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            List<String> names = Arrays.stream(ftp.listFiles("/share")).map(FTPFile::getName).toList();
            assertTrue(names.contains("caf\u201BE9.txt") && names.contains("d\u201BFF"), names.toString());
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            assertTrue(ftp.retrieveFile("/share/caf\u201BE9.txt", got), ftp.getReplyString());
            assertEquals("hello", got.toString(StandardCharsets.UTF_8));
        } finally {
            ftp.disconnect();
        }
        FTPClient owner = new FTPClient();
        owner.setControlEncoding("UTF-8");
        owner.connect("127.0.0.1", b.ftpPort());
        try {
            assertTrue(owner.login("alice", "secret"), owner.getReplyString());
            owner.enterLocalPassiveMode();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            assertTrue(owner.retrieveFile("/share/d\u201BFF/in.txt", got), owner.getReplyString());
            assertEquals("inside", got.toString(StandardCharsets.UTF_8));
            assertTrue(owner.storeFile("/share/ftp\u201BFE.bin", new java.io.ByteArrayInputStream("stored".getBytes(
                    StandardCharsets.UTF_8))), owner.getReplyString());
            assertEquals("stored", shellOutput("cat \"$1/share/$(printf 'ftp\\376.bin')\""));
            assertFalse(owner.storeFile("/share/x\u201Bzz", new java.io.ByteArrayInputStream(new byte[1])));
            assertEquals(553, owner.getReplyCode(), owner.getReplyString());
            assertFalse(Files.exists(bRoot.resolve("share/x\u201Bzz")));
        } finally {
            owner.disconnect();
        }
    }

    @Test
    void writesLandOnTheBytesTheEscapedNameStandsFor() throws Exception {
        // Through node a, forwarded to the owner b: the file is called new\xff.bin on b's disk.
        assertEquals(201, put(a, "/fs/share/new%E2%80%9BFF.bin", "written").statusCode());
        assertEquals("written", shellOutput("cat \"$1/share/$(printf 'new\\377.bin')\""));
        awaitStatus(a, "/fs/share/new%E2%80%9BFF.bin", 200);
        // A name holding the escape character itself is doubled on the way in and stored as itself.
        assertEquals(201, put(b, "/fs/share/q%E2%80%9B%E2%80%9Bq", "q").statusCode());
        assertTrue(Files.exists(bRoot.resolve("share/q\u201Bq")));
        // Any other spelling names nothing on a disk: refused before a byte is written.
        for (String bad : List.of("x%E2%80%9Bzz", "x%E2%80%9Be9", "%E2%80%9BC3%E2%80%9BA9")) {
            HttpResponse<String> r = put(b, "/fs/share/" + bad, "no");
            assertEquals(400, r.statusCode(), bad + ": " + r.body());
            assertTrue(r.body().contains("\u201B"), r.body());
        }
        try (var listed = Files.list(bRoot.resolve("share"))) {
            assertEquals(4, listed.count(), "caf, d, new and q only: nothing else was written");
        }
        // Delete and rename by the escaped name.
        HttpResponse<String> moved = send(a, "MOVE", "/fs/share/" + CAFE,
                "http://127.0.0.1:" + a.httpPort() + "/fs/share/d%E2%80%9BFF/caf%E2%80%9BE9-moved.txt");
        assertEquals(201, moved.statusCode(), moved.body());
        assertEquals("hello", shellOutput("cat \"$1/share/$(printf 'd\\377/caf\\351-moved.txt')\""));
        assertEquals(204, send(a, "DELETE", "/fs/share/d%E2%80%9BFF/", null).statusCode());
        assertFalse(shell("test -e \"$1/share/$(printf 'd\\377')\"") == 0, "the directory is gone from b's disk");
        awaitStatus(a, "/fs/share/d%E2%80%9BFF/in.txt", 404);
    }

    @Test
    void aNodeRunUnderThePosixLocaleServesEveryNameAlike() throws Exception {
        Files.writeString(bRoot.resolve("share/Grüße.txt"), "grüße");
        try (NodeProcess node = NodeProcess.startInPosixLocale("posix", bRoot, base)) {
            node.awaitPorts(Duration.ofSeconds(30));
            String at = "http://127.0.0.1:" + node.httpPort;
            assertEquals("grüße", Web.text(at + "/fs/share/Gr%C3%BC%C3%9Fe.txt"), "a UTF-8 name the JDK would decode as ASCII");
            assertEquals("hello", Web.text(at + "/fs/share/" + CAFE));
            String find = Web.text(at + "/find/");
            assertTrue(find.contains("/share/Grüße.txt\n") && find.contains("/share/caf\u201BE9.txt\n")
                    && find.contains("/share/d\u201BFF/in.txt\n"), find);
            assertTrue(node.output().contains("Scanner: 2 name(s) are not valid UTF-8"), node.output());
        }
    }

    private int shell(String script) throws Exception {
        return new ProcessBuilder("sh", "-c", script, "sh", bRoot.toString()).redirectErrorStream(true).start().waitFor();
    }

    private String shellOutput(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script, "sh", bRoot.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static String url(DftpNode n, String path) {
        return "http://127.0.0.1:" + n.httpPort() + path;
    }

    private static HttpResponse<String> put(DftpNode n, String path, String body) throws Exception {
        return Web.HTTP.send(HttpRequest.newBuilder(URI.create(url(n, path))).header("Authorization", AUTH)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(DftpNode n, String method, String path, String destination)
            throws Exception {
        return ClusterWritesTest.send(n, method, path, destination);
    }

    private static void awaitStatus(DftpNode n, String path, int status) throws Exception {
        ClusterWritesTest.awaitStatus(n, path, status, Duration.ofSeconds(10));
    }
}
