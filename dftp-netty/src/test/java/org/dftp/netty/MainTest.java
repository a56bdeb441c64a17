package org.dftp.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dftp.core.DfsPath;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The command line: Go's four flag spellings, the defaults of docs/PROTOCOL.md, {@code --help}, and one line
 * plus exit code 2 for every mistake. Failing cases go through {@link Main#run}, which never gets as far
 * as starting a node; the success path parses into a {@link NodeConfig} and starts a {@link DftpNode}.
 */
@ExtendWith(NettyLeaks.class)
class MainTest {
    @TempDir
    Path dir;

    /** Go's flag package takes each of these. */
    enum Spelling {
        DASH_SPACE, DASH_EQUALS, DOUBLE_DASH_SPACE, DOUBLE_DASH_EQUALS;

        void add(List<String> args, String flag, String value) {
            switch (this) {
                case DASH_SPACE -> args.addAll(List.of("-" + flag, value));
                case DASH_EQUALS -> args.add("-" + flag + "=" + value);
                case DOUBLE_DASH_SPACE -> args.addAll(List.of("--" + flag, value));
                default -> args.add("--" + flag + "=" + value);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"DASH_SPACE", "DASH_EQUALS", "DOUBLE_DASH_SPACE", "DOUBLE_DASH_EQUALS"})
    void everyFlagIsTakenInEachOfGosFourSpellings(Spelling spelling) throws IOException {
        List<String> args = new ArrayList<>();
        spelling.add(args, "dfsroot", dir.toString());
        spelling.add(args, "dfsmount", "x/y");
        spelling.add(args, "cluster-name", "c1");
        spelling.add(args, "node-name", "n1");
        spelling.add(args, "http-listen", "127.0.0.1:7050");
        spelling.add(args, "http-mgmt-listen", "[::1]:7051");
        spelling.add(args, "ftp-listen", ":2200");
        spelling.add(args, "multicast-discovery-addr", "224.0.0.10:7000");
        spelling.add(args, "ftp-passive-ports", "30000-30100");
        spelling.add(args, "ftp-passive-address", "10.0.0.1");
        spelling.add(args, "ftp-max-connections", "5");
        spelling.add(args, "ftp-idle-timeout", "90s");
        spelling.add(args, "full-update-interval", "2h");
        spelling.add(args, "ping-interval", "500ms");
        spelling.add(args, "ping-failures", "7");
        NodeConfig c = config(args.toArray(new String[0]));
        assertEquals(dir, c.dfsRoot());
        assertEquals(DfsPath.of("x/y"), c.dfsMount());
        assertEquals("c1", c.clusterName());
        assertEquals("n1", c.nodeName());
        assertEquals(new HostPort("127.0.0.1", 7050), c.httpListen());
        assertEquals(new HostPort("::1", 7051), c.mgmtListen());
        assertEquals(new HostPort("", 2200), c.ftpListen());
        assertEquals(new HostPort("224.0.0.10", 7000), c.multicastDiscovery());
        assertEquals("30000-30100", c.ftpPassivePorts());
        assertEquals("10.0.0.1", c.ftpPassiveAddress());
        assertEquals(5, c.ftpMaxConnections());
        assertEquals(Duration.ofSeconds(90), c.ftpIdleTimeout());
        assertEquals(Duration.ofHours(2), c.fullUpdateInterval());
        assertEquals(Duration.ofMillis(500), c.pingInterval());
        assertEquals(7, c.pingFailures());
    }

    /** Go's flag package takes the last value: a flag appended to a default line overrides it. */
    @Test
    void aFlagGivenTwiceTakesItsLastValueAsGoDoes() throws IOException {
        NodeConfig c = config("-dfsroot", dir.toString(), "-cluster-name", "first", "--cluster-name=second",
                "-ping-failures=2", "-ping-failures", "5");
        assertEquals("second", c.clusterName());
        assertEquals(5, c.pingFailures());
    }

    @Test
    void defaultsAreThoseOfTheOriginal() throws IOException {
        NodeConfig c = config("-dfsroot", dir.toString());
        assertEquals("dftp", c.clusterName());
        assertEquals(DfsPath.ROOT, c.dfsMount());
        assertEquals(NodeNames.hostName(), c.nodeName());
        assertEquals(HostPort.parse(":7040"), c.httpListen());
        assertEquals(HostPort.parse(":7041"), c.mgmtListen());
        assertEquals(HostPort.parse(":2121"), c.ftpListen());
        assertEquals(HostPort.parse("224.0.0.9:7041"), c.multicastDiscovery());
        assertNull(c.ftpPassivePorts());
        assertNull(c.ftpPassiveAddress());
        assertEquals(64, c.ftpMaxConnections());
        assertEquals(Duration.ofMinutes(5), c.ftpIdleTimeout());
        assertEquals(Duration.ofHours(1), c.fullUpdateInterval());
        assertEquals(Duration.ofSeconds(10), c.pingInterval());
        assertEquals(3, c.pingFailures());
        assertEquals(NodeConfig.defaults(NodeNames.hostName(), dir), c);
    }

    @Test
    void writeFlagsDefaultToAReadOnlyServerWithAnonymousReads() throws IOException {
        assertEquals(NodeConfig.Writes.READ_ONLY, config("-dfsroot", dir.toString()).writes());
        Path users = Files.writeString(dir.resolve("users"), "");
        NodeConfig c = config("-dfsroot", dir.toString(), "-users=" + users, "-anonymous-read=false",
                "-max-upload-size=10G");
        assertEquals(new NodeConfig.Writes(users, false, 10L << 30), c.writes());
        assertTrue(config("-dfsroot", dir.toString(), "-anonymous-read").writes().anonymousRead(),
                "a bare boolean flag means true, as in Go");
        assertEquals(512 * 1024, Main.size("-max-upload-size", "512k"));
        assertEquals(1048576, Main.size("-max-upload-size", "1048576"));
    }

    @Test
    void ftpRequireTlsIsABooleanFlagThatGoesWithACertificate() throws IOException {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.copy(MainTest.class.getResourceAsStream("/tls/a-cert.pem"), cert);
        Files.copy(MainTest.class.getResourceAsStream("/tls/a-key.pem"), key);
        String[] tls = {"-dfsroot", dir.toString(), "-tls-cert", cert.toString(), "-tls-key", key.toString()};
        assertEquals(new NodeConfig.Tls(cert, key, null, false), config(tls).tls(), "TLS offered, not required");
        String[] required = Stream.concat(Stream.of(tls), Stream.of("-ftp-require-tls")).toArray(String[]::new);
        assertTrue(config(required).tls().ftpRequireTls(), "a bare boolean flag means true, as in Go");
        String[] off = Stream.concat(Stream.of(tls), Stream.of("--ftp-require-tls=false")).toArray(String[]::new);
        assertFalse(config(off).tls().ftpRequireTls());
        assertFalse(config("-dfsroot", dir.toString()).tls().ftpRequireTls());
    }

    @Test
    void peerFlagsAndTheClusterSecret() throws IOException {
        NodeConfig d = config("-dfsroot", dir.toString());
        assertEquals(NodeConfig.Peers.DEFAULTS, d.peers());
        assertNull(d.peers().secret(), "without a secret the node speaks the original protocol");
        Path secret = Files.writeString(dir.resolve("secret"), "0123456789abcdef0123\nignored\n");
        NodeConfig c = config("-dfsroot", dir.toString(), "-max-peers=9", "-max-pending-greetings=3",
                "-max-clock-skew=30s", "-cluster-secret-file=" + secret);
        assertEquals(9, c.peers().maxPeers());
        assertEquals(3, c.peers().maxPendingGreetings());
        assertEquals(java.time.Duration.ofSeconds(30), c.peers().maxClockSkew());
        assertEquals(org.dftp.core.auth.ClusterKey.of("0123456789abcdef0123"), c.peers().secret());
        assertEquals(c.peers().secret(), config("-dfsroot", dir.toString(), "-cluster-secret=0123456789abcdef0123")
                .peers().secret());
        assertFalse(c.toString().contains("0123456789abcdef"), "the secret is never shown");
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> config("-dfsroot",
                dir.toString(), "-cluster-secret=0123456789abcdef0123", "-cluster-secret-file=" + secret));
        assertTrue(both.getMessage().contains("not both"));
        IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class,
                () -> config("-dfsroot", dir.toString(), "-cluster-secret=short"));
        assertTrue(shortOne.getMessage().startsWith("-cluster-secret: the cluster secret must be at least 16"));
        assertThrows(IllegalArgumentException.class, () -> config("-dfsroot", dir.toString(), "-max-peers=0"));
    }

    @Test
    void boundedResourceFlagsHaveNginxLikeDefaultsAndAreValidated() throws IOException {
        NodeConfig.Limits d = config("-dfsroot", dir.toString()).limits();
        assertEquals(NodeConfig.Limits.DEFAULTS, d);
        assertEquals(Duration.ofSeconds(60), d.headerTimeout());
        assertEquals(Duration.ofSeconds(75), d.idleTimeout());
        assertEquals(Duration.ofSeconds(60), d.sendTimeout());
        assertEquals(256, d.maxConnectionsPerAddress());
        assertEquals(Duration.ofSeconds(30), d.ftpLoginTimeout());
        assertEquals(16, d.ftpMaxConnectionsPerAddress());
        assertEquals(20_000_000, d.maxUpdateEntries());
        NodeConfig.Limits c = config("-dfsroot", dir.toString(), "-http-header-timeout=5s", "-http-idle-timeout=7s",
                "--http-send-timeout", "9s", "-http-max-connections-per-address=3", "-ftp-login-timeout=2s",
                "-ftp-max-connections-per-address=4", "-max-update-entries=1000").limits();
        assertEquals(new NodeConfig.Limits(Duration.ofSeconds(5), Duration.ofSeconds(7), Duration.ofSeconds(9), 3,
                Duration.ofSeconds(2), 4, 1000), c);
        for (String bad : List.of("-http-header-timeout=0s", "-http-idle-timeout=-1s", "-http-send-timeout=x",
                "-http-max-connections-per-address=0", "-ftp-login-timeout=0s", "-ftp-max-connections-per-address=0",
                "-max-update-entries=0")) {
            StringWriter err = new StringWriter();
            assertEquals(Main.EXIT_USAGE, Main.run(new String[] {"-dfsroot=" + dir, bad}, new PrintWriter(err, true)),
                    bad);
            String flag = bad.substring(0, bad.indexOf('='));
            assertTrue(err.toString().startsWith("dftp: " + flag), bad + ": " + err);
            assertEquals(1, err.toString().lines().count(), err.toString());
        }
    }

    @Test
    void emptyAddressesSwitchFtpAndDiscoveryOff() throws IOException {
        NodeConfig c = config("-dfsroot=" + dir, "-ftp-listen=", "-multicast-discovery-addr", "");
        assertNull(c.ftpListen());
        assertNull(c.multicastDiscovery());
    }

    @Test
    void helpListsEveryFlagWithItsDescriptionAndExitsZero() {
        StringWriter out = new StringWriter();
        assertEquals(0, Main.run(new String[] {"--help"}, new PrintWriter(out, true)));
        String help = out.toString().replaceAll("\\s+", " ");
        int flags = 0;
        for (Field f : Main.class.getDeclaredFields()) {
            Option o = f.getAnnotation(Option.class);
            if (o == null) {
                continue;
            }
            flags++;
            String longest = o.names()[o.names().length - 1];
            assertTrue(help.contains(longest) || help.contains(o.names()[0]), "help lacks " + longest);
            String description = o.description()[0].replaceAll("\\s+", " ");
            String firstWords = description.substring(0, Math.min(30, description.length()));
            assertTrue(help.contains(firstWords), "help lacks the description of " + longest + ": " + firstWords);
        }
        assertTrue(flags >= 16, "all flags counted: " + flags);
        for (String original : List.of("-http-listen", "-http-mgmt-listen", "-ftp-listen", "-multicast-discovery-addr",
                "-cluster-name", "-node-name", "-dfsroot", "-dfsmount")) {
            assertTrue(help.contains(original + ","), "the original's flag " + original + " is listed");
        }
        for (String shownDefault : List.of("\":7040\"", "\":7041\"", "\":2121\"", "\"224.0.0.9:7041\"", "\"dftp\"")) {
            assertTrue(help.contains(shownDefault), "help shows the default " + shownDefault);
        }
    }

    @Test
    void shortHelpFlagsWorkToo() {
        for (String h : List.of("-h", "-help")) {
            StringWriter out = new StringWriter();
            assertEquals(0, Main.run(new String[] {h}, new PrintWriter(out, true)));
            assertTrue(out.toString().contains("-dfsroot"));
        }
    }

    @Test
    void versionNamesTheBuildAndTheJvm() {
        for (String v : List.of("--version", "-version")) {
            StringWriter out = new StringWriter();
            assertEquals(0, Main.run(new String[] {v}, new PrintWriter(out, true)));
            assertTrue(out.toString().matches("dftp \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\nJava 1?\\d.*\n"), out.toString());
        }
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of(List.of(), "-dfsroot is required"),
                Arguments.of(List.of("-dfsroot="), "-dfsroot is required"),
                Arguments.of(List.of("-dfsroot"), "Missing required parameter"),
                Arguments.of(List.of("-nope=1", "-dfsroot={dir}"), "Unknown option: '-nope=1'"),
                Arguments.of(List.of("--dfsroot={dir}", "stray"), "stray"),
                Arguments.of(List.of("-dfsroot={dir}/missing"), "is not a directory"),
                Arguments.of(List.of("-dfsroot={dir}/file.txt"), "is not a directory"),
                Arguments.of(List.of("-dfsroot={dir}", "-ping-interval=10"), "-ping-interval: '10' is not a duration"),
                Arguments.of(List.of("-dfsroot={dir}", "-ping-interval=abc"), "-ping-interval"),
                Arguments.of(List.of("-dfsroot={dir}", "-full-update-interval=0s"), "-full-update-interval"),
                Arguments.of(List.of("-dfsroot={dir}", "-ftp-idle-timeout=-5s"), "-ftp-idle-timeout"),
                Arguments.of(List.of("-dfsroot={dir}", "-ftp-idle-timeout=1d"), "-ftp-idle-timeout"),
                Arguments.of(List.of("-dfsroot={dir}", "-http-listen=7040"), "-http-listen: '7040' is not host:port"),
                Arguments.of(List.of("-dfsroot={dir}", "-http-listen=host:99999"), "-http-listen"),
                Arguments.of(List.of("-dfsroot={dir}", "-http-listen=::1:7040"), "-http-listen"),
                Arguments.of(List.of("-dfsroot={dir}", "-http-mgmt-listen=:abc"), "-http-mgmt-listen"),
                Arguments.of(List.of("-dfsroot={dir}", "-ftp-listen=:-1"), "-ftp-listen"),
                Arguments.of(List.of("-dfsroot={dir}", "-multicast-discovery-addr=nope"), "-multicast-discovery-addr"),
                Arguments.of(List.of("-dfsroot={dir}", "-ftp-max-connections=abc"), "'abc' is not an int"),
                Arguments.of(List.of("-dfsroot={dir}", "-ftp-max-connections=0"), "-ftp-max-connections"),
                Arguments.of(List.of("-dfsroot={dir}", "-ping-failures=0"), "-ping-failures"),
                Arguments.of(List.of("-dfsroot={dir}", "-node-name="), "-node-name must not be empty"),
                Arguments.of(List.of("-dfsroot={dir}", "-node-name=(multiple)"), "-node-name"),
                Arguments.of(List.of("-dfsroot={dir}", "-node-name=a/b"), "-node-name"),
                Arguments.of(List.of("-dfsroot={dir}", "-cluster-name= "), "-cluster-name"),
                Arguments.of(List.of("-dfsroot={dir}", "-dfsmount=../x"), "-dfsmount"),
                Arguments.of(List.of("-dfsroot={dir}", "-users={dir}/missing"), "-users {dir}/missing is not a readable file"),
                Arguments.of(List.of("-dfsroot={dir}", "-max-upload-size=10X"), "-max-upload-size: `10X` is not a size"),
                Arguments.of(List.of("-dfsroot={dir}", "-max-upload-size=-1"), "-max-upload-size"),
                Arguments.of(List.of("-dfsroot={dir}", "-max-upload-size=99999999999T"), "-max-upload-size"),
                Arguments.of(List.of("-dfsroot={dir}", "-anonymous-read=maybe"), "-anonymous-read"),
                Arguments.of(List.of("-dfsroot={dir}", "-tls-cert={dir}/file.txt"), "-tls-cert and -tls-key go together"),
                Arguments.of(List.of("-dfsroot={dir}", "-tls-cert={dir}/none.pem", "-tls-key={dir}/file.txt"),
                        "-tls-cert {dir}/none.pem is not a readable file"),
                Arguments.of(List.of("-dfsroot={dir}", "-http-redirect-listen=:8080"), "-http-redirect-listen needs -tls-cert"),
                Arguments.of(List.of("-dfsroot={dir}", "-ftp-require-tls"), "-ftp-require-tls needs -tls-cert"),
                Arguments.of(List.of("-dfsroot={dir}", "-ftp-require-tls=perhaps"), "-ftp-require-tls"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void mistakeIsOneLineOnStderrAndExitCode2(List<String> args, String expected) throws IOException {
        Files.writeString(dir.resolve("file.txt"), "not a directory");
        String[] argv = args.stream().map(a -> a.replace("{dir}", dir.toString())).toArray(String[]::new);
        StringWriter err = new StringWriter();
        assertEquals(Main.EXIT_USAGE, Main.run(argv, new PrintWriter(err, true)));
        String text = err.toString();
        assertTrue(text.endsWith("\n"), text);
        assertEquals(1, text.split("\n").length, "one line: " + text);
        assertTrue(text.startsWith("dftp: "), text);
        assertTrue(text.contains(expected.replace("{dir}", dir.toString())), text);
        assertFalse(text.contains("Exception") || text.contains("\tat "), "no stack trace: " + text);
    }

    @Test
    void unreadableDfsrootIsOneLineAndExitCode2() throws IOException {
        Path locked = Files.createDirectory(dir.resolve("locked"));
        assertTrue(locked.toFile().setReadable(false, false) && locked.toFile().setExecutable(false, false));
        try {
            Assumptions.assumeFalse(Files.isReadable(locked), "running as root: permission bits do not stop us");
            StringWriter err = new StringWriter();
            assertEquals(Main.EXIT_USAGE, Main.run(new String[] {"-dfsroot=" + locked}, new PrintWriter(err, true)));
            assertEquals("dftp: -dfsroot " + locked + " is not readable\n", err.toString());
        } finally {
            locked.toFile().setReadable(true, false);
            locked.toFile().setExecutable(true, false);
        }
    }

    @Test
    void parsedFlagsStartANodeThatServes() throws Exception {
        Files.writeString(dir.resolve("test.txt"), "Hello from dftp ga!\n");
        NodeConfig c = config("-dfsroot", dir.toString(), "-node-name=ga", "-http-listen=127.0.0.1:0",
                "-http-mgmt-listen=127.0.0.1:0", "-ftp-listen=", "-multicast-discovery-addr=");
        try (DftpNode node = DftpNode.start(c)) {
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.httpPort() + "/fs/test.txt")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode());
            assertEquals("Hello from dftp ga!\n", res.body());
        }
    }

    /** A port in use ends the start in one line naming the flag and the address, for every listener. */
    @ParameterizedTest
    @ValueSource(strings = {"-http-listen", "-http-mgmt-listen", "-ftp-listen"})
    @org.junit.jupiter.api.Timeout(30) // a node that did start would serve until stopped
    void aPortInUseNamesItsFlag(String flag) throws IOException {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String taken = "127.0.0.1:" + busy.getLocalPort();
            List<String> args = new ArrayList<>(List.of("-dfsroot=" + dir, "-multicast-discovery-addr=",
                    "-http-listen=127.0.0.1:0", "-http-mgmt-listen=127.0.0.1:0", "-ftp-listen=127.0.0.1:0"));
            args.removeIf(a -> a.startsWith(flag + "="));
            args.add(flag + "=" + taken);
            StringWriter err = new StringWriter();
            assertEquals(Main.EXIT_USAGE, Main.run(args.toArray(String[]::new), new PrintWriter(err, true)), err.toString());
            assertEquals("dftp: cannot listen on " + taken + " (" + flag + "): Address already in use\n", err.toString());
        }
    }

    @Test
    void accessLogIsOffByDefaultAndTakesAFileOrStandardOutput() throws IOException {
        assertNull(config("-dfsroot", dir.toString()).accessLog());
        assertNull(config("-dfsroot", dir.toString(), "-access-log=").accessLog());
        assertEquals("-", config("-dfsroot", dir.toString(), "-access-log", "-").accessLog());
        assertEquals("/var/log/dftp/access.log",
                config("-dfsroot", dir.toString(), "--access-log=/var/log/dftp/access.log").accessLog());
    }

    /** An access log that cannot be opened ends the start in one line naming the flag and the file. */
    @Test
    @org.junit.jupiter.api.Timeout(30) // a node that did start would serve until stopped
    void anAccessLogThatCannotBeWrittenEndsTheStartNamingTheFlag() throws IOException {
        // Under a plain file: no directory there, whoever runs the test (root ignores permission bits).
        Path log = Files.writeString(dir.resolve("plain-file"), "").resolve("access.log");
        StringWriter err = new StringWriter();
        assertEquals(Main.EXIT_USAGE, Main.run(new String[] {"-dfsroot=" + dir, "-multicast-discovery-addr=",
                "-http-listen=127.0.0.1:0", "-http-mgmt-listen=127.0.0.1:0", "-ftp-listen=", "-access-log=" + log},
                new PrintWriter(err, true)), err.toString());
        assertEquals("dftp: cannot open " + log + " for writing (-access-log): Not a directory\n", err.toString());
    }

    private static NodeConfig config(String... args) throws IOException {
        Main main = new Main();
        Main.commandLine(main).parseArgs(args);
        return main.toConfig();
    }
}
