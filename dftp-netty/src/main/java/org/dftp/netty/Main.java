package org.dftp.netty;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/dftp}: parses the flags of docs/PROTOCOL.md in any of Go's four spellings ({@code -flag value},
 * {@code -flag=value}, {@code --flag value}, {@code --flag=value}), validates them into a
 * {@link NodeConfig} and runs a {@link DftpNode} until the process is stopped. Bad flags end with one
 * line on stderr and exit code 2, as Go's flag package does.
 */
@Command(name = "dftp", versionProvider = Main.Version.class, sortOptions = false, usageHelpAutoWidth = true, usageHelpWidth = 100,
        description = "Serves the directory trees of many machines as one, over HTTP and FTP.")
public final class Main implements Callable<Integer> {
    static final int EXIT_USAGE = 2;

    @Option(names = {"-cluster-name", "--cluster-name"}, paramLabel = "string", defaultValue = "dftp",
            description = "cluster name (change it to allow multiple separate clusters work with same multicast "
                    + "discovery address) (default \"${DEFAULT-VALUE}\")")
    String clusterName;

    @Option(names = {"-dfsmount", "--dfsmount"}, paramLabel = "string", defaultValue = "",
            description = "path inside DFS where local tree will be mounted (not necessarily unique path)")
    String dfsMount;

    @Option(names = {"-dfsroot", "--dfsroot"}, paramLabel = "string",
            description = "local directory corresponding to local DFS root (required)")
    String dfsRoot;

    @Option(names = {"-ftp-listen", "--ftp-listen"}, paramLabel = "string", defaultValue = ":2121",
            description = "host:port for public FTP interface to listen on; empty disables FTP "
                    + "(default \"${DEFAULT-VALUE}\")")
    String ftpListen;

    @Option(names = {"-http-listen", "--http-listen"}, paramLabel = "string", defaultValue = ":7040",
            description = "host:port for public HTTP interface to listen on (default \"${DEFAULT-VALUE}\")")
    String httpListen;

    @Option(names = {"-http-mgmt-listen", "--http-mgmt-listen"}, paramLabel = "string", defaultValue = ":7041",
            description = "host:port for private cluster management HTTP interface to listen on "
                    + "(default \"${DEFAULT-VALUE}\")")
    String mgmtListen;

    @Option(names = {"-multicast-discovery-addr", "--multicast-discovery-addr"}, paramLabel = "string",
            defaultValue = "224.0.0.9:7041",
            description = "host:port for multicast peer discovery address; empty disables discovery "
                    + "(default \"${DEFAULT-VALUE}\")")
    String multicast;

    @Option(names = {"-node-name", "--node-name"}, paramLabel = "string",
            description = "node name to use instead of hostname")
    String nodeName;

    @Option(names = {"-ftp-passive-ports", "--ftp-passive-ports"}, paramLabel = "string",
            description = "port range for passive FTP data connections, e.g. 30000-30100 (default: any free port)")
    String ftpPassivePorts;

    @Option(names = {"-ftp-passive-address", "--ftp-passive-address"}, paramLabel = "string",
            description = "address announced in passive FTP replies, for NAT (default: the control connection's)")
    String ftpPassiveAddress;

    @Option(names = {"-ftp-max-connections", "--ftp-max-connections"}, paramLabel = "int", defaultValue = "64",
            description = "most concurrent FTP sessions (default ${DEFAULT-VALUE})")
    int ftpMaxConnections;

    @Option(names = {"-ftp-idle-timeout", "--ftp-idle-timeout"}, paramLabel = "duration", defaultValue = "5m",
            description = "idle FTP sessions are closed after this long (default ${DEFAULT-VALUE})")
    String ftpIdleTimeout;

    @Option(names = {"-full-update-interval", "--full-update-interval"}, paramLabel = "duration",
            defaultValue = "1h", description = "how often every peer gets a full update (default ${DEFAULT-VALUE})")
    String fullUpdateInterval;

    @Option(names = {"-ping-interval", "--ping-interval"}, paramLabel = "duration", defaultValue = "10s",
            description = "how often every peer is pinged (default ${DEFAULT-VALUE})")
    String pingInterval;

    @Option(names = {"-ping-failures", "--ping-failures"}, paramLabel = "int", defaultValue = "3",
            description = "missed pings in a row after which a peer is removed (default ${DEFAULT-VALUE})")
    int pingFailures;

    @Option(names = {"-users", "--users"}, paramLabel = "file",
            description = "users file, one `name:hash:read|write[:path-prefix]` a line (hashes from `dftp hash-password`);"
                    + " without it the server is read-only")
    String usersFile;

    @Option(names = {"-anonymous-read", "--anonymous-read"}, paramLabel = "bool", arity = "0..1",
            defaultValue = "true", fallbackValue = "true",
            description = "let callers without credentials read (default ${DEFAULT-VALUE})")
    boolean anonymousRead;

    @Option(names = {"-max-upload-size", "--max-upload-size"}, paramLabel = "size", defaultValue = "0",
            description = "largest file a client may write, in bytes or with k, M, G, T; 0 for no limit "
                    + "(default ${DEFAULT-VALUE})")
    String maxUploadSize;

    @Option(names = {"-tls-cert", "--tls-cert"}, paramLabel = "file",
            description = "PEM certificate chain for HTTPS on the public HTTP port (with -tls-key); reloaded when it changes")
    String tlsCert;

    @Option(names = {"-tls-key", "--tls-key"}, paramLabel = "file",
            description = "PEM private key of -tls-cert")
    String tlsKey;

    @Option(names = {"-http-redirect-listen", "--http-redirect-listen"}, paramLabel = "string",
            description = "host:port for plain HTTP that redirects every request to HTTPS (308); needs -tls-cert")
    String httpRedirectListen;

    @Option(names = {"-ftp-require-tls", "--ftp-require-tls"}, paramLabel = "bool", arity = "0..1",
            defaultValue = "false", fallbackValue = "true",
            description = "FTP refuses logins before AUTH TLS and transfers without PROT P; needs -tls-cert "
                    + "(default ${DEFAULT-VALUE}: TLS offered, not required)")
    boolean ftpRequireTls;

    @Option(names = {"-peer-tls", "--peer-tls"}, paramLabel = "bool", arity = "0..1", defaultValue = "false",
            fallbackValue = "true",
            description = "speak TLS with the other nodes (management API, proxied files, forwarded writes) with the "
                    + "-tls-cert certificate; every node of the cluster needs it (default ${DEFAULT-VALUE})")
    boolean peerTls;

    @Option(names = {"-peer-ca", "--peer-ca"}, paramLabel = "file",
            description = "PEM certificates that peers' certificates must chain to (default: this node's own -tls-cert)")
    String peerCa;

    @Option(names = {"-max-peers", "--max-peers"}, paramLabel = "int", defaultValue = "256",
            description = "most nodes the peer table holds; a new node beyond them is refused (default ${DEFAULT-VALUE})")
    int maxPeers;

    @Option(names = {"-max-pending-greetings", "--max-pending-greetings"}, paramLabel = "int", defaultValue = "16",
            description = "most greetings of addresses that are not a peer's under way at once "
                    + "(default ${DEFAULT-VALUE})")
    int maxPendingGreetings;

    @Option(names = {"-max-clock-skew", "--max-clock-skew"}, paramLabel = "duration", defaultValue = "5m",
            description = "how far ahead of this node's clock a peer may date a file (LastInfoUpdated); later "
                    + "dates are refused (default ${DEFAULT-VALUE})")
    String maxClockSkew;

    @Option(names = {"-cluster-secret", "--cluster-secret"}, paramLabel = "string",
            description = "sign and check every request between nodes and every discovery ping with this secret "
                    + "(16 bytes at least; prefer -cluster-secret-file, which ps does not show)")
    String clusterSecret;

    @Option(names = {"-cluster-secret-file", "--cluster-secret-file"}, paramLabel = "file",
            description = "the same, read from the first line of this file")
    String clusterSecretFile;

    @Option(names = {"-http-header-timeout", "--http-header-timeout"}, paramLabel = "duration", defaultValue = "60s",
            description = "a request whose headers are not complete this long after its first byte gets 408 and "
                    + "its connection closed; public and management ports (default ${DEFAULT-VALUE})")
    String httpHeaderTimeout;

    @Option(names = {"-http-idle-timeout", "--http-idle-timeout"}, paramLabel = "duration", defaultValue = "75s",
            description = "a connection with no request in flight is closed after this long without a byte from "
                    + "the client; public and management ports (default ${DEFAULT-VALUE})")
    String httpIdleTimeout;

    @Option(names = {"-http-send-timeout", "--http-send-timeout"}, paramLabel = "duration", defaultValue = "60s",
            description = "a connection whose response has not moved a byte towards the client for this long is "
                    + "closed (default ${DEFAULT-VALUE})")
    String httpSendTimeout;

    @Option(names = {"-http-max-connections-per-address", "--http-max-connections-per-address"}, paramLabel = "int",
            defaultValue = "256",
            description = "most connections one client address holds on the public port, and on the management "
                    + "port; one more gets 503 (default ${DEFAULT-VALUE})")
    int httpMaxPerAddress;

    @Option(names = {"-ftp-login-timeout", "--ftp-login-timeout"}, paramLabel = "duration", defaultValue = "30s",
            description = "an FTP session not logged in this long after it connected is closed with 421 "
                    + "(default ${DEFAULT-VALUE})")
    String ftpLoginTimeout;

    @Option(names = {"-ftp-max-connections-per-address", "--ftp-max-connections-per-address"}, paramLabel = "int",
            defaultValue = "16",
            description = "most FTP sessions of one client address; one more gets 421 (default ${DEFAULT-VALUE})")
    int ftpMaxPerAddress;

    @Option(names = {"-max-update-entries", "--max-update-entries"}, paramLabel = "int", defaultValue = "20000000",
            description = "most files one update from a peer may carry; a larger one is refused "
                    + "(default ${DEFAULT-VALUE})")
    int maxUpdateEntries;

    @Option(names = {"-access-log", "--access-log"}, paramLabel = "file",
            description = "append a line per HTTP request and FTP transfer to this file, in nginx's combined "
                    + "format; - for standard output (default: no access log)")
    String accessLog;

    @Option(names = {"-h", "-help", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Option(names = {"-version", "--version"}, versionHelp = true, description = "print the version and exit")
    boolean version;

    /** The build's version and the JVM that runs it, as {@code java -version} tells both. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"dftp " + p.getProperty("version", "unknown"),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }

    public static void main(String[] args) {
        startPreload();
        System.exit(run(args, new PrintWriter(System.err, true)));
    }

    /**
     * Starts what every node needs whatever its flags say, on a second thread while this one parses them:
     * the logging configuration and Netty's native transport each take a tenth of a second or more, and
     * the flag parser as much again, one core each.
     */
    private static void startPreload() {
        preload = new Thread(() -> {
            org.slf4j.LoggerFactory.getILoggerFactory();
            Transports.isEpoll();
        }, "dftp-preload");
        preload.setDaemon(true);
        preload.start();
    }

    /** The preload thread of {@link #main}; null when the flags are parsed by a test. */
    private static Thread preload;

    /**
     * Parses and runs; returns the exit code. Separate from {@link #main} so tests can call it. The usage
     * of {@code --help} goes to {@code err} as well, where Go's flag package writes it.
     */
    static int run(String[] args, PrintWriter err) {
        if (args.length > 0 && args[0].equals("hash-password")) {
            return HashPassword.run(System.in, System.out, System.err);
        }
        if (args.length > 0 && args[0].equals("join")) {
            return org.dftp.netty.cluster.SignedJoin.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.out, err);
        }
        CommandLine cli = commandLine(new Main());
        cli.setOut(err);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("dftp: " + ex.getMessage() + " (see dftp --help)");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException) {
                err.println("dftp: " + ex.getMessage());
                return EXIT_USAGE;
            }
            throw ex;
        });
        return cli.execute(args);
    }

    /**
     * The parser of {@code main}'s flags. A flag given twice takes its last value, as Go's flag package does,
     * so that a script that appends a flag to a default line (a unit's {@code $DFTP_OPTS} after its own
     * defaults) overrides it instead of being refused.
     */
    static CommandLine commandLine(Main main) {
        CommandLine cli = new CommandLine(main);
        cli.setOverwrittenOptionsAllowed(true);
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        if (preload != null) {
            // A logger used while the logging set-up runs on another thread makes SLF4J warn about it.
            preload.join();
        }
        NodeConfig config = toConfig();
        DftpNode node = DftpNode.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "dftp-shutdown"));
        stopped.await();
        return 0;
    }

    /** The one place where flags become a validated configuration. */
    NodeConfig toConfig() throws java.io.IOException {
        if (dfsRoot == null || dfsRoot.isEmpty()) {
            throw new IllegalArgumentException("-dfsroot is required: the local directory to serve");
        }
        Path root = Path.of(dfsRoot);
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("-dfsroot " + dfsRoot + " is not a directory");
        }
        if (!Files.isReadable(root) || !Files.isExecutable(root)) {
            throw new IllegalArgumentException("-dfsroot " + dfsRoot + " is not readable");
        }
        DfsPath mount;
        try {
            mount = DfsPath.of(dfsMount);
        } catch (BadPathException e) {
            throw new IllegalArgumentException("-dfsmount: " + e.getMessage());
        }
        String name = NodeNames.check("-node-name", nodeName != null ? nodeName : NodeNames.hostName());
        NodeNames.check("-cluster-name", clusterName);
        if (ftpMaxConnections < 1) {
            throw new IllegalArgumentException("-ftp-max-connections must be at least 1");
        }
        if (pingFailures < 1) {
            throw new IllegalArgumentException("-ping-failures must be at least 1");
        }
        return new NodeConfig(name, clusterName, root, mount,
                address("-http-listen", httpListen),
                address("-http-mgmt-listen", mgmtListen),
                ftpListen.isEmpty() ? null : address("-ftp-listen", ftpListen),
                multicast.isEmpty() ? null : address("-multicast-discovery-addr", multicast),
                ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections,
                duration("-ftp-idle-timeout", ftpIdleTimeout),
                duration("-full-update-interval", fullUpdateInterval),
                duration("-ping-interval", pingInterval),
                pingFailures,
                new NodeConfig.Writes(users(), anonymousRead, size("-max-upload-size", maxUploadSize)),
                tls(),
                new NodeConfig.Peers(maxPeers, maxPendingGreetings, duration("-max-clock-skew", maxClockSkew),
                        clusterKey()),
                limits(),
                accessLog);
    }

    private NodeConfig.Limits limits() {
        return new NodeConfig.Limits(duration("-http-header-timeout", httpHeaderTimeout),
                duration("-http-idle-timeout", httpIdleTimeout),
                duration("-http-send-timeout", httpSendTimeout),
                httpMaxPerAddress,
                duration("-ftp-login-timeout", ftpLoginTimeout),
                ftpMaxPerAddress,
                maxUpdateEntries);
    }

    private NodeConfig.Tls tls() {
        Path cert = readableFile("-tls-cert", tlsCert);
        Path key = readableFile("-tls-key", tlsKey);
        HostPort redirect = httpRedirectListen == null || httpRedirectListen.isEmpty() ? null
                : address("-http-redirect-listen", httpRedirectListen);
        return new NodeConfig.Tls(cert, key, redirect, ftpRequireTls, peerTls, readableFile("-peer-ca", peerCa));
    }

    private static Path readableFile(String flag, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        Path p = Path.of(value);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException(flag + " " + value + " is not a readable file");
        }
        return p;
    }

    /** The cluster secret of -cluster-secret or -cluster-secret-file (one, not both), or null. */
    private org.dftp.core.auth.ClusterKey clusterKey() throws java.io.IOException {
        boolean inline = clusterSecret != null && !clusterSecret.isEmpty();
        Path file = readableFile("-cluster-secret-file", clusterSecretFile);
        if (inline && file != null) {
            throw new IllegalArgumentException("give -cluster-secret or -cluster-secret-file, not both");
        }
        if (!inline && file == null) {
            return null;
        }
        String secret = inline ? clusterSecret : firstLine(file);
        try {
            return org.dftp.core.auth.ClusterKey.of(secret);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((inline ? "-cluster-secret: " : "-cluster-secret-file: ") + e.getMessage());
        }
    }

    /** The first line of {@code file}: a secret file as {@code openssl rand -base64 32 > F} writes it. */
    static String firstLine(Path file) throws java.io.IOException {
        String text = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private Path users() {
        return readableFile("-users", usersFile);
    }

    /** A byte count: digits, then perhaps one of k, M, G, T (powers of 1024, as nginx reads sizes). */
    static long size(String flag, String value) {
        String v = value.trim();
        long unit = 1;
        if (!v.isEmpty()) {
            switch (Character.toLowerCase(v.charAt(v.length() - 1))) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                case 't' -> unit = 1L << 40;
                default -> unit = 1;
            }
            if (unit > 1) {
                v = v.substring(0, v.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0 || n > Long.MAX_VALUE / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": `" + value + "` is not a size such as 1048576, 512k or 10G");
        }
    }

    private static HostPort address(String flag, String value) {
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    private static Duration duration(String flag, String value) {
        try {
            return GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }
}
