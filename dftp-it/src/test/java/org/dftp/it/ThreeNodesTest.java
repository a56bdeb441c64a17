package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * over HTTP from every node and over FTP from one.
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
}
