package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.dftp.core.wire.Wire;
import org.dftp.it.ClusterChecks.Endpoint;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three whole nodes in this JVM, on loopback ports, with overlapping trees: after two joins (one over
 * {@code POST /join/}, one through the API, which must learn the third node from the answer) every
 * node lists the same DFS, shows the same owners, and serves every file byte for byte from its owner,
 * over HTTP from every node and over FTP from one. Two of them serve folder archives whose files lie on
 * both, and break one off when the owner of a file in it stops.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class ThreeNodesTest {
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");

    @TempDir
    Path base;
    private final List<DftpNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(DftpNode::close);
    }

    private DftpNode start(String name, Path root, boolean ftp) throws Exception {
        DftpNode n = DftpNode.start(NodeConfig.defaults(name, root)
                .withListen(ANY, ANY, ftp ? ANY : null)
                .withMulticast(null));
        nodes.add(n);
        return n;
    }

    @Test
    void threeNodesConvergeAndServeEveryFileFromEveryNode() throws Exception {
        Trees trees = Trees.write(base);
        DftpNode n1 = start("n1", trees.roots.get("n1"), true);
        DftpNode n2 = start("n2", trees.roots.get("n2"), false);
        DftpNode n3 = start("n3", trees.roots.get("n3"), false);

        var joined = Web.postForm("http://127.0.0.1:" + n2.mgmtPort() + "/join/", "peer=127.0.0.1:" + n1.mgmtPort());
        assertEquals(200, joined.statusCode(), joined.body());
        n3.cluster().join(List.of(new HostPort("127.0.0.1", n2.mgmtPort()))).block(Duration.ofSeconds(10));

        List<Endpoint> endpoints = nodes.stream().map(n -> new Endpoint(n.config().nodeName(), n.httpPort())).toList();
        ClusterChecks.awaitFind(endpoints, trees.findSet(), Duration.ofSeconds(20));
        for (DftpNode n : nodes) {
            assertEquals(peersOtherThan(n.config().nodeName()), peers(n), "peers of " + n.config().nodeName());
        }

        Map<String, String> owners = ClusterChecks.ownersAgree(endpoints, trees);
        assertEquals("n1", owners.get("a1.txt"));
        assertEquals("n3", owners.get("shared/sub/n3.txt"));
        for (Endpoint e : endpoints) {
            Map<String, String> root = ClusterChecks.listing(e, "");
            assertEquals("(multiple)", root.get("shared/"), "shared/ on " + e.name() + ": " + root);
            assertEquals("n1", root.get("only1/"), e.name());
            assertEquals("n3", root.get("empty3/"), e.name());
            assertEquals("n1", ClusterChecks.listing(e, "only1/deep/").get("er/"), e.name());
        }
        ClusterChecks.readsMatchOwners(endpoints, trees, owners);
        readsOverFtp(n1, trees, owners);
    }

    /** Every file of the DFS over FTP from {@code node}: its own, and the others' streamed from their owners. */
    private static void readsOverFtp(DftpNode node, Trees trees, Map<String, String> owners) throws Exception {
        FTPClient ftp = new FTPClient();
        ftp.setControlEncoding(StandardCharsets.UTF_8.name());
        ftp.setDefaultTimeout(10_000);
        ftp.connect("127.0.0.1", node.ftpPort());
        try {
            assertTrue(ftp.login("anonymous", "it@dftp"), ftp.getReplyString());
            ftp.enterLocalPassiveMode();
            assertTrue(ftp.setFileType(FTP.BINARY_FILE_TYPE));
            for (String path : trees.filePaths()) {
                String sha;
                try (InputStream in = ftp.retrieveFileStream("/" + path)) {
                    assertTrue(in != null, "RETR /" + path + ": " + ftp.getReplyString());
                    sha = Web.sha256(in);
                }
                assertTrue(ftp.completePendingCommand(), "RETR /" + path + ": " + ftp.getReplyString());
                assertEquals(Web.sha256(trees.files.get(owners.get(path)).get(path)), sha, "FTP " + path);
            }
            ftp.logout();
        } finally {
            ftp.disconnect();
        }
    }

    private static Set<String> peersOtherThan(String name) {
        Set<String> s = new TreeSet<>(Trees.NODES);
        s.remove(name);
        return s;
    }

    /** The peers {@code GET /cluster/} lists. */
    private static Set<String> peers(DftpNode n) throws Exception {
        JsonNode info = Wire.MAPPER.readTree(Web.text("http://127.0.0.1:" + n.mgmtPort() + "/cluster/"));
        Set<String> names = new TreeSet<>();
        info.get("Peers").fieldNames().forEachRemaining(names::add);
        return names;
    }

    // Folder archives across two whole nodes: a folder whose files lie on both, and an owner stopped midway.

    /** n2 joins n1; returns once both list {@code paths} and nothing else in their /find/. */
    private void joined(DftpNode n1, DftpNode n2, String... paths) throws Exception {
        var res = Web.postForm("http://127.0.0.1:" + n2.mgmtPort() + "/join/", "peer=127.0.0.1:" + n1.mgmtPort());
        assertEquals(200, res.statusCode(), res.body());
        ClusterChecks.awaitFind(List.of(new Endpoint("n1", n1.httpPort()),
                new Endpoint("n2", n2.httpPort())), java.util.Set.of(paths), Duration.ofSeconds(20));
    }

    @Test
    void aFolderOfTwoNodesComesWholeFromEither() throws Exception {
        byte[] big = new byte[5 << 20];
        new Random(7).nextBytes(big);
        Path r1 = Files.createDirectories(base.resolve("n1/shared/from1"));
        Files.write(r1.resolve("big.bin"), big);
        Path r2 = Files.createDirectories(base.resolve("n2/shared/from2"));
        Files.writeString(r2.resolve("small.txt"), "from n2\n");
        DftpNode n1 = start("n1", base.resolve("n1"), false);
        DftpNode n2 = start("n2", base.resolve("n2"), false);
        joined(n1, n2, "/shared", "/shared/from1", "/shared/from1/big.bin", "/shared/from2", "/shared/from2/small.txt");
        for (DftpNode n : List.of(n1, n2)) {
            var res = Web.get("http://127.0.0.1:" + n.httpPort() + "/fs/shared/?format=zip");
            assertEquals(200, res.statusCode());
            Map<String, byte[]> got = new TreeMap<>();
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(res.body()))) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    got.put(e.getName(), zip.readAllBytes());
                }
            }
            assertEquals(List.of("from1/", "from1/big.bin", "from2/", "from2/small.txt"), List.copyOf(got.keySet()));
            assertArrayEquals(big, got.get("from1/big.bin"), "through " + n.config().nodeName());
            assertEquals("from n2\n", new String(got.get("from2/small.txt"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anOwnerStoppedMidwayBreaksTheArchiveOff() throws Exception {
        Path r1 = Files.createDirectories(base.resolve("n1/shared"));
        try (RandomAccessFile f = new RandomAccessFile(r1.resolve("huge.bin").toFile(), "rw")) {
            f.setLength(512L << 20); // sparse: no disk, more than any buffers on the way hold
        }
        Files.createDirectories(base.resolve("n2"));
        DftpNode n1 = start("n1", base.resolve("n1"), false);
        DftpNode n2 = start("n2", base.resolve("n2"), false);
        joined(n1, n2, "/shared", "/shared/huge.bin");
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.setSoTimeout(30_000);
            s.connect(new InetSocketAddress("127.0.0.1", n2.httpPort()));
            s.getOutputStream().write("GET /fs/shared/?format=zip HTTP/1.1\r\nHost: t\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(200), StandardCharsets.ISO_8859_1);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            in.readNBytes(1 << 20);
            n1.close();
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            in.transferTo(rest); // ends when n2 closes the connection
            String tail = new String(rest.toByteArray(), Math.max(0, rest.size() - 5), Math.min(5, rest.size()),
                    StandardCharsets.ISO_8859_1);
            assertFalse(tail.equals("0\r\n\r\n"), "the chunked body ended as if the archive were whole");
            assertTrue(rest.size() < (512L << 20), "all of huge.bin came though its owner stopped");
        }
    }
}
