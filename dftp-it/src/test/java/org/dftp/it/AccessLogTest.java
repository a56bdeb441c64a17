package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.dftp.core.testing.AccessLogFile;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code -access-log} on a whole node: HTTP requests and FTP transfers land in the one file, in order. */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class AccessLogTest {
    @TempDir
    Path dir;
    @TempDir
    Path logs;

    @Test
    void httpRequestsAndFtpTransfersOfANodeShareItsAccessLog() throws Exception {
        Files.write(dir.resolve("data.bin"), new byte[70_000]);
        Path log = logs.resolve("access.log");
        HostPort any = HostPort.parse("127.0.0.1:0");
        NodeConfig config = NodeConfig.defaults("ga", dir).withListen(any, any, any).withMulticast(null)
                .withAccessLog(log.toString());
        try (DftpNode node = DftpNode.start(config)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.httpPort() + "/fs/data.bin")).header("User-Agent", "it/1").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(70_000, res.body().length);
            AccessLogFile.awaitTimeless(log, 1);

            FTPClient ftp = new FTPClient();
            ftp.setDefaultTimeout(10_000);
            ftp.connect("127.0.0.1", node.ftpPort());
            try {
                assertTrue(ftp.login("anonymous", "it@example.com"), ftp.getReplyString());
                ftp.enterLocalPassiveMode();
                assertTrue(ftp.setFileType(FTP.BINARY_FILE_TYPE));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertTrue(ftp.retrieveFile("/data.bin", out), ftp.getReplyString());
                assertEquals(70_000, out.size());
                assertTrue(ftp.logout());
            } finally {
                ftp.disconnect();
            }
            assertEquals(List.of(
                    "127.0.0.1 - - [T] \"GET /fs/data.bin HTTP/1.1\" 200 70000 \"-\" \"it/1\"",
                    "127.0.0.1 - anonymous [T] \"RETR /data.bin FTP\" 226 70000 \"-\" \"-\""),
                    AccessLogFile.awaitTimeless(log, 2));
        }
    }

    @Test
    void webDavMethodsAreLoggedWithTheirUser() throws Exception {
        Path log = logs.resolve("access.log");
        NodeConfig.Writes writes = new NodeConfig.Writes(DavFixture.users(logs), true, 0);
        HostPort any = HostPort.parse("127.0.0.1:0");
        try (DftpNode node = DftpNode.start(NodeConfig.defaults("dav", dir).withListen(any, any, null)
                .withMulticast(null).withWrites(writes).withAccessLog(log.toString()))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI file = URI.create("http://127.0.0.1:" + node.httpPort() + "/fs/new.txt");
            assertEquals(201, http.send(HttpRequest.newBuilder(file).header("Authorization", DavFixture.basic("alice"))
                    .PUT(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode());
            assertEquals(207, http.send(HttpRequest.newBuilder(file).header("Authorization", DavFixture.basic("alice"))
                    .header("Depth", "0").method("PROPFIND", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(403, http.send(HttpRequest.newBuilder(file).header("Authorization", DavFixture.basic("bob"))
                    .DELETE().build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(204, http.send(HttpRequest.newBuilder(file).header("Authorization", DavFixture.basic("alice"))
                    .DELETE().build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            List<String> lines = AccessLogFile.awaitTimeless(log, 4);
            List<String> expected = List.of(
                    "127\\.0\\.0\\.1 - alice \\[T] \"PUT /fs/new\\.txt HTTP/1\\.1\" 201 \\d+ \"-\" \"[^\"]*\"",
                    "127\\.0\\.0\\.1 - alice \\[T] \"PROPFIND /fs/new\\.txt HTTP/1\\.1\" 207 [1-9]\\d* \"-\" \"[^\"]*\"",
                    "127\\.0\\.0\\.1 - bob \\[T] \"DELETE /fs/new\\.txt HTTP/1\\.1\" 403 [1-9]\\d* \"-\" \"[^\"]*\"",
                    "127\\.0\\.0\\.1 - alice \\[T] \"DELETE /fs/new\\.txt HTTP/1\\.1\" 204 0 \"-\" \"[^\"]*\"");
            assertEquals(4, lines.size(), lines.toString());
            for (int i = 0; i < 4; i++) {
                assertTrue(lines.get(i).matches(expected.get(i)), lines.get(i));
            }
            assertTrue(lines.stream().noneMatch(l -> l.contains(DavFixture.PASSWORD)), lines.toString());
        }
    }
}
