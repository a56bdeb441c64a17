package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.dftp.it.ClusterChecks.Endpoint;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebDAV across two joined nodes: a copy or move between two nodes' disks is refused with {@code 502} and
 * changes neither disk; a write of the other node's place never lands on this one's; a write into a directory
 * both nodes keep lands on the node that took it, and the other node lists it.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class WebDavTwoNodesTest {
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");

    @Test
    void copyAndMoveBetweenNodesAre502AndChangeNothing(@TempDir Path base) throws Exception {
        Path r1 = Files.createDirectories(base.resolve("n1"));
        Path r2 = Files.createDirectories(base.resolve("n2"));
        Files.createDirectories(r1.resolve("mine"));
        Files.writeString(r1.resolve("mine/f.txt"), "n1's\n");
        Files.createDirectories(r1.resolve("shared"));
        Files.createDirectories(r2.resolve("theirs"));
        Files.writeString(r2.resolve("theirs/g.txt"), "n2's\n");
        Files.createDirectories(r2.resolve("shared"));
        Path users = DavFixture.users(base);
        NodeConfig.Writes writes = new NodeConfig.Writes(users, true, 0);
        try (DftpNode n1 = DftpNode.start(NodeConfig.defaults("n1", r1).withListen(ANY, ANY, null).withMulticast(null)
                .withWrites(writes));
             DftpNode n2 = DftpNode.start(NodeConfig.defaults("n2", r2).withListen(ANY, ANY, null).withMulticast(null)
                     .withWrites(writes))) {
            n2.cluster().join(List.of(new HostPort("127.0.0.1", n1.mgmtPort()))).block(Duration.ofSeconds(10));
            List<Endpoint> both = List.of(new Endpoint("n1", n1.httpPort()), new Endpoint("n2", n2.httpPort()));
            ClusterChecks.awaitFind(both, Set.of("/mine", "/mine/f.txt", "/shared", "/theirs", "/theirs/g.txt"),
                    Duration.ofSeconds(20));

            String on1 = "http://127.0.0.1:" + n1.httpPort();
            for (String method : List.of("COPY", "MOVE")) {
                HttpResponse<String> out = send(method, on1 + "/fs/mine/f.txt", "Destination", "/fs/theirs/f.txt");
                assertEquals(502, out.statusCode(), method + " to the other node: " + out.body());
                HttpResponse<String> in = send(method, on1 + "/fs/theirs/g.txt", "Destination", "/fs/mine/g.txt");
                assertEquals(502, in.statusCode(), method + " from the other node: " + in.body());
            }
            assertEquals("n1's\n", Files.readString(r1.resolve("mine/f.txt")));
            assertEquals("n2's\n", Files.readString(r2.resolve("theirs/g.txt")));
            assertFalse(Files.exists(r2.resolve("theirs/f.txt")));
            assertFalse(Files.exists(r1.resolve("mine/g.txt")));
            assertFalse(Files.exists(r1.resolve("theirs")), "nothing of n2's place is made on n1's disk");

            // A write of n2's place through n1 is forwarded to n2 and lands on its disk only.
            HttpResponse<String> elsewhere = send("PUT", on1 + "/fs/theirs/through.txt", null, null);
            assertEquals(201, elsewhere.statusCode(), elsewhere.body());
            assertEquals("new\n", Files.readString(r2.resolve("theirs/through.txt")));
            assertFalse(Files.exists(r1.resolve("theirs")));

            // A directory both keep: the node that takes the write keeps the file.
            HttpResponse<String> put = send("PUT", on1 + "/fs/shared/new.txt", null, null);
            assertEquals(201, put.statusCode(), put.body());
            assertEquals("new\n", Files.readString(r1.resolve("shared/new.txt")));
            assertFalse(Files.exists(r2.resolve("shared/new.txt")));
            ClusterChecks.awaitFind(both, Set.of("/mine", "/mine/f.txt", "/shared", "/shared/new.txt", "/theirs",
                    "/theirs/g.txt", "/theirs/through.txt"), Duration.ofSeconds(20));
            assertEquals("new\n", Web.text("http://127.0.0.1:" + n2.httpPort() + "/fs/shared/new.txt"),
                    "served from n1 through n2");
        }
    }

    private static HttpResponse<String> send(String method, String url, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", DavFixture.basic("alice"));
        if (header != null) {
            b.header(header, value);
        }
        b.method(method, method.equals("PUT") ? HttpRequest.BodyPublishers.ofString("new\n", StandardCharsets.UTF_8)
                : HttpRequest.BodyPublishers.noBody());
        return Web.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
