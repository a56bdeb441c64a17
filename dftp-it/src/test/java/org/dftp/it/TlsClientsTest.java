package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS port as the usual tools see it: curl with the node's CA, openssl s_client's ALPN, the redirect. */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class TlsClientsTest {
    @TempDir
    Path dir;
    private DftpNode node;
    private Path cert;
    private int redirectPort;

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("hello.txt"), "hello over TLS\n");
        cert = copy("a-cert.pem");
        Path key = copy("a-key.pem");
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            redirectPort = s.getLocalPort();
        }
        HostPort any = HostPort.parse("127.0.0.1:0");
        node = DftpNode.start(NodeConfig.defaults("tls", root).withListen(any, any, null).withMulticast(null)
                .withTls(new NodeConfig.Tls(cert, key, new HostPort("127.0.0.1", redirectPort))));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private Path copy(String name) throws Exception {
        try (InputStream in = TlsClientsTest.class.getResourceAsStream("/tls/" + name)) {
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        }
    }

    private static String run(List<String> cmd, String stdin) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "finished: " + cmd);
        return out;
    }

    @Test
    void curlWithTheNodesCaDownloadsOverHttp1AndHttp2AndFollowsTheRedirect() throws Exception {
        Path curl = LitmusTest.onPath("curl");
        Assumptions.assumeTrue(curl != null, "curl is not on the PATH (apt-get install curl)");
        String base = "https://localhost:" + node.httpPort();
        for (String version : List.of("--http1.1", "--http2")) {
            String out = run(List.of(curl.toString(), "-sS", version, "--cacert", cert.toString(),
                    "-w", "\n%{http_version} %{http_code}", base + "/fs/hello.txt"), "");
            assertTrue(out.startsWith("hello over TLS\n"), out);
            assertTrue(out.endsWith(version.equals("--http2") ? "2 200" : "1.1 200"), out);
        }
        String refused = run(List.of(curl.toString(), "-sS", "-o", "/dev/null", base + "/fs/hello.txt"), "");
        assertTrue(refused.contains("certificate"), "without the CA curl refuses the certificate: " + refused);
        String redirected = run(List.of(curl.toString(), "-sS", "-L", "--cacert", cert.toString(),
                "http://localhost:" + redirectPort + "/fs/hello.txt"), "");
        assertEquals("hello over TLS\n", redirected, "the plain port sends curl to the HTTPS one");
        String head = run(List.of(curl.toString(), "-sS", "-D", "-", "-o", "/dev/null",
                "http://localhost:" + redirectPort + "/fs/hello.txt?x=1"), "");
        assertTrue(head.startsWith("HTTP/1.1 308"), head);
        assertTrue(head.contains("location: https://localhost:" + node.httpPort() + "/fs/hello.txt?x=1"), head);
    }

    @Test
    void opensslSeesTls13AndAlpnOffersH2ThenHttp11() throws Exception {
        Path openssl = LitmusTest.onPath("openssl");
        Assumptions.assumeTrue(openssl != null, "openssl is not on the PATH (apt-get install openssl)");
        String h2 = run(List.of(openssl.toString(), "s_client", "-connect", "127.0.0.1:" + node.httpPort(),
                "-alpn", "h2,http/1.1", "-CAfile", cert.toString()), "");
        assertTrue(h2.contains("ALPN protocol: h2"), h2);
        assertTrue(h2.contains("TLSv1.3"), h2);
        assertTrue(h2.contains("Verify return code: 0 (ok)"), h2);
        String h1 = run(List.of(openssl.toString(), "s_client", "-connect", "127.0.0.1:" + node.httpPort(),
                "-alpn", "http/1.1", "-CAfile", cert.toString()), "");
        assertTrue(h1.contains("ALPN protocol: http/1.1"), h1);
        assertEquals(-1, h1.indexOf("ALPN protocol: h2"));
    }
}
