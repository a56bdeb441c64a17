package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with {@code ulimit -n 256} and 512 clients: it runs out of descriptors, and goes on. The accept
 * loop does not spin on {@code EMFILE} (Netty's acceptor pauses accepting for a second after a failed
 * accept), the connections it did accept are served, and once the clients go, a new client is served
 * again without a restart.
 */
@Timeout(120)
class DescriptorLimitTest {
    private static final int OPEN_FILES = 256;
    private static final int CLIENTS = 2 * OPEN_FILES;
    private static final String BODY = "small file\n";

    @TempDir
    Path dir;

    @Test
    void aNodeOutOfDescriptorsDoesNotSpinServesWhatItAcceptedAndRecovers() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("a.txt"), BODY);
        try (NodeProcess node = NodeProcess.startWithOpenFileLimit(OPEN_FILES, "fd", root, dir)
                .awaitPorts(Duration.ofSeconds(60))) {
            String url = "http://127.0.0.1:" + node.httpPort + "/fs/a.txt";
            assertEquals(200, Web.get(url).statusCode(), "served before the flood (and cached)");
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", node.httpPort), 2000);
                    clients.add(s); // past the limit the kernel's backlog holds it: the connect still completes
                }
                Thread.sleep(1500); // the node accepts what it can
                String log = node.output();
                assertTrue(log.contains("HTTP port " + node.httpPort + ": cannot accept a connection:")
                        && log.contains("Too many open files"), "the node ran out of descriptors:\n" + tail(log));

                long before = cpuTicks(node.process.pid());
                Thread.sleep(3000);
                long spent = cpuTicks(node.process.pid()) - before;
                // A spinning accept loop burns a core: 300 ticks in 3 s. Pausing, it wakes once a second.
                assertTrue(spent < 60, "the node used " + spent + " CPU ticks in 3 s out of descriptors");

                // One line for the whole outage, not a stack trace a second.
                assertEquals(1, count(node.output(), "cannot accept a connection"), tail(node.output()));
                assertEquals(0, count(node.output(), "exceptionCaught"), tail(node.output()));

                for (Socket s : clients) {
                    s.getOutputStream().write(("GET /fs/a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                }
                Thread.sleep(1000); // the answers of the accepted ones arrive
                int served = 0;
                int refusedForNow = 0;
                int waiting = 0;
                List<String> wrong = new ArrayList<>();
                for (Socket s : clients) {
                    String a = answer(s);
                    if (a.isEmpty()) {
                        waiting++; // still in the kernel's backlog
                    } else if (a.startsWith("HTTP/1.1 200 ") && a.endsWith(BODY)) {
                        served++;
                    } else if (a.startsWith("HTTP/1.1 503 ") && a.contains("out of file descriptors")) {
                        refusedForNow++; // the file could not be opened: a clean, temporary refusal
                    } else {
                        wrong.add(a.lines().findFirst().orElse(a));
                    }
                }
                assertEquals(List.of(), wrong, "never a 404 or 500 for a file that is there");
                assertTrue(served + refusedForNow >= 64, "the connections the node accepted are answered: "
                        + served + " served, " + refusedForNow + " refused for now, " + waiting + " waiting");
                assertTrue(waiting > 0, "some clients waited in the backlog: the limit was reached");
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            // The clients gone, the node accepts again and serves a new client.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int status = -1;
            while (System.nanoTime() < deadline && status != 200) {
                try {
                    status = Web.get(url).statusCode();
                } catch (IOException e) {
                    Thread.sleep(200);
                }
            }
            assertEquals(200, status, "served again once the clients left:\n" + tail(node.output()));
            assertTrue(node.process.isAlive());
        }
    }

    /**
     * The same flood on the FTP port: MINA's acceptor used to log every failed accept with a stack trace
     * ("Unexpected exception."); now one line for the outage, no spin, and FTP greets again afterwards.
     */
    @Test
    void anFtpPortOutOfDescriptorsLogsOneLineDoesNotSpinAndRecovers() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("a.txt"), BODY);
        try (NodeProcess node = NodeProcess.startWithOpenFileLimit(OPEN_FILES, "fdftp", root, dir,
                // sessions up to the flood, so that it is descriptors that run out, not the session limit
                "-ftp-listen=127.0.0.1:0", "-ftp-max-connections=600", "-ftp-max-connections-per-address=600")
                .awaitPorts(Duration.ofSeconds(60))) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("FTP public interface listening on 127\\.0\\.0\\.1:(\\d+)").matcher(awaitFtp(node));
            assertTrue(m.find());
            int ftpPort = Integer.parseInt(m.group(1));
            assertTrue(greets(ftpPort), "FTP answers before the flood");
            List<Socket> clients = new ArrayList<>();
            try {
                int timedOut = 0;
                for (int i = 0; i < CLIENTS && timedOut < 3; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(new InetSocketAddress("127.0.0.1", ftpPort), 2000);
                        clients.add(s);
                        timedOut = 0;
                    } catch (SocketTimeoutException full) {
                        s.close();
                        timedOut++; // MINA's backlog (50) is full while the node cannot accept
                    }
                }
                Thread.sleep(1500);
                String log = node.output();
                assertTrue(log.contains("FTP port " + ftpPort + ": cannot accept a connection:")
                        && log.contains("Too many open files"), "the FTP port ran out of descriptors (" + clients.size() + " clients):\n" + tail(log));
                long before = cpuTicks(node.process.pid());
                Thread.sleep(3000);
                long spent = cpuTicks(node.process.pid()) - before;
                assertTrue(spent < 60, "the node used " + spent + " CPU ticks in 3 s out of descriptors");
                String out = node.output();
                assertEquals(1, count(out, "cannot accept a connection"), tail(out));
                assertEquals(0, count(out, "Unexpected exception"), tail(out));
                assertEquals(0, count(out, "\tat "), "no stack trace:\n" + tail(out));
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            boolean greeted = false;
            while (System.nanoTime() < deadline && !greeted) {
                greeted = greets(ftpPort);
                if (!greeted) {
                    Thread.sleep(200);
                }
            }
            assertTrue(greeted, "FTP greets again once the clients left:\n" + tail(node.output()));
        }
    }

    private static String awaitFtp(NodeProcess node) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String out = node.output();
        while (!out.contains("FTP public interface listening on") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            out = node.output();
        }
        return out;
    }

    /** Whether a new FTP client gets the {@code 220} greeting within 2 s. */
    private static boolean greets(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(2000);
            byte[] b = s.getInputStream().readNBytes(3);
            return "220".equals(new String(b, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a {@code 200} with the file's body has come back (waiting 20 ms at most for more of it). */
    /** What came back on {@code s} so far: empty when nothing did within 20 ms. */
    private static String answer(Socket s) throws IOException {
        s.setSoTimeout(20);
        InputStream in = s.getInputStream();
        StringBuilder got = new StringBuilder();
        byte[] buf = new byte[1024];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // nothing more for now, or reset
        }
        return got.toString();
    }

    /** User plus system time of a process so far, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static int count(String log, String what) {
        int n = 0;
        for (int i = log.indexOf(what); i >= 0; i = log.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }
}
