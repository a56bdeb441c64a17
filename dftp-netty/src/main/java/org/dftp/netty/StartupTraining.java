package org.dftp.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The build's training run for the class-data archive that {@code bin/dftp} starts the JVM with: a node
 * started as {@link Main} starts one, on a small tree in a temporary directory, asked what users and peers
 * ask, then stopped. The JVM running this (with {@code -XX:ArchiveClassesAtExit}) writes every class it
 * loaded into the archive; a node started with it skips reading, parsing and verifying those classes
 * again, which is about half a second of every start.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("dftp-training");
        try {
            Files.createDirectories(dir.resolve("photos"));
            Files.write(dir.resolve("photos/small.jpg"), new byte[1024]);
            Files.write(dir.resolve("photos/large.bin"), new byte[256 * 1024]);
            Main flags = CommandLine.populateCommand(new Main(), "-dfsroot=" + dir, "-node-name=training",
                    "-http-listen=127.0.0.1:0", "-http-mgmt-listen=127.0.0.1:0", "-ftp-listen=127.0.0.1:0",
                    "-multicast-discovery-addr=");
            try (DftpNode node = DftpNode.start(flags.toConfig())) {
                for (String target : new String[] {"/", "/fs/photos/", "/fs/photos/?format=json", "/fs/photos/?format=txt",
                        "/fs/photos/small.jpg", "/fs/photos/large.bin", "/find/?q=*.jpg", "/fs/missing"}) {
                    http(node.httpPort(), "GET " + target + " HTTP/1.1\r\nHost: training\r\n");
                }
                http(node.httpPort(), "GET /fs/photos/large.bin HTTP/1.1\r\nHost: training\r\nRange: bytes=0-99\r\n");
                http(node.httpPort(), "HEAD /fs/photos/large.bin HTTP/1.1\r\nHost: training\r\n");
                for (String target : new String[] {"/cluster/", "/healthz", "/metrics"}) {
                    http(node.mgmtPort(), "GET " + target + " HTTP/1.1\r\nHost: training\r\n");
                }
                ftp(node.ftpPort());
            }
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0); // the archive is written as the JVM exits
    }

    private static void http(int port, String head) throws IOException {
        talk(port, head + "Connection: close\r\n\r\n");
    }

    private static void ftp(int port) throws IOException {
        talk(port, "USER anonymous\r\nPASS training\r\nSYST\r\nFEAT\r\nPWD\r\nCWD photos\r\nSIZE small.jpg\r\nQUIT\r\n");
    }

    /** Sends the request and reads until the server closes the connection. */
    private static void talk(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            while (in.read(buf) >= 0) {
                // drained
            }
        }
    }
}
