package org.dftp.ftp;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.ftpserver.ConnectionConfig;
import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.DataConnectionConfiguration;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerConfigurationException;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.command.CommandFactoryFactory;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpStatistics;
import org.apache.ftpserver.ftplet.Ftplet;
import org.apache.ftpserver.impl.DefaultFtpServer;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.ftpserver.ipfilter.SessionFilter;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.ssl.SslConfiguration;
import org.dftp.core.access.AccessLog;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.metrics.DurationHistogram;
import org.dftp.core.tree.DfsTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FTP public interface of a node: Apache MINA FtpServer over the DFS, read-only with anonymous logins,
 * or taking writes from the users of a users file ({@link FtpWrites}).
 *
 * <p>Every command reads the latest tree snapshot. Files this node owns are read from its local tree,
 * others from their owners through the {@link RemoteFileSource}. Writes go where {@code WriteRoute} says:
 * this node's disk through {@code LocalWrites}, other nodes through {@link RemoteWrites}; dftp's own write
 * commands ({@link UploadCommand}, {@link WriteCommands}) replace MINA's so that each refusal gets its own
 * reply ({@link WriteReplies}). On top of MINA: paths out of the DFS, {@code PORT}/{@code EPRT} to other
 * hosts and over-long command lines are refused with a reply that says why; connections beyond the limit
 * get {@code 421}, and so do those beyond the limit of their client address; a session that has not logged in
 * within the login timeout is closed ({@link LoginTimeout}); an idle session is closed but a long transfer never is. Data connections are socket
 * channels ({@link ChannelDataConnectionFactory}), so local files go out with {@code sendfile} and peers'
 * files buffer by buffer. With {@link FtpOptions#tls()} the port offers explicit TLS ({@link TlsCommands}:
 * {@code AUTH TLS}, {@code PBSZ}, {@code PROT}), private data connections through {@link TlsDataChannel},
 * and when TLS is required, refuses logins and transfers in clear ({@link TlsRequiredFtplet}).
 *
 * <p>A server is started once; {@link #close()} stops it for good.
 */
public final class DfsFtpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DfsFtpServer.class);
    /** MINA's name for the listener that {@link FtpServerFactory} starts with. */
    private static final String LISTENER = "default";

    /** How long {@link #stop()} waits for closed sessions to wind down before it stops MINA. */
    private static final long STOP_GRACE_MILLIS = 2000;

    private final FtpOptions options;
    private final Listener listener;
    private final ConnectionLimitFtplet connections;
    private final LoginTimeout loginTimeout;
    private final FtpServer server;
    /** How long each transfer took, command to final reply. */
    private final DurationHistogram transferDurations = new DurationHistogram();

    /**
     * Builds a read-only server with anonymous logins only; nothing listens before {@link #start()}.
     *
     * @param options where to listen and the session limits; {@link FtpOptions#nodeName()} decides which
     *     files are local
     * @param tree the latest snapshot of the DFS, e.g. {@code () -> store.snapshot().tree()}
     * @param localRoot this node's own tree
     * @param remote reads the files of other nodes
     */
    public DfsFtpServer(FtpOptions options, Supplier<DfsTree> tree, LocalRoot localRoot, RemoteFileSource remote) {
        this(options, tree, localRoot, remote, FtpWrites.readOnly());
    }

    /**
     * Builds the server; nothing listens before {@link #start()}.
     *
     * @param options where to listen and the session limits; {@link FtpOptions#nodeName()} decides which
     *     files are local, and which writes this node makes itself
     * @param tree the latest snapshot of the DFS, e.g. {@code () -> store.snapshot().tree()}
     * @param localRoot this node's own tree
     * @param remote reads the files of other nodes
     * @param writes who logs in, and what they may change ({@link FtpWrites#readOnly()}: nothing)
     */
    public DfsFtpServer(FtpOptions options, Supplier<DfsTree> tree, LocalRoot localRoot, RemoteFileSource remote,
                        FtpWrites writes) {
        this(options, tree, localRoot, remote, writes, AccessLog.OFF);
    }

    /**
     * The same, with a line in {@code accessLog} for every file transfer ({@link AccessLogFtplet}).
     *
     * @param accessLog where transfers are logged; {@link AccessLog#OFF} for nowhere
     */
    public DfsFtpServer(FtpOptions options, Supplier<DfsTree> tree, LocalRoot localRoot, RemoteFileSource remote,
                        FtpWrites writes, AccessLog accessLog) {
        this.options = Objects.requireNonNull(options, "options");
        Objects.requireNonNull(writes, "writes");
        Objects.requireNonNull(accessLog, "accessLog");
        this.loginTimeout = new LoginTimeout(options.loginTimeout().toMillis());
        this.listener = listener(options, loginTimeout);
        this.connections = new ConnectionLimitFtplet(options.maxConnections(), options.maxConnectionsPerAddress());
        FtpServerFactory factory = new FtpServerFactory();
        factory.addListener(LISTENER, listener);
        factory.setFileSystem(new DfsFileSystemFactory(options.nodeName(), tree, localRoot, remote, writes));
        factory.setUserManager(new DfsUserManager(writes, options.idleTimeoutSeconds()));
        factory.setMessageResource(new DftpMessages(options.nodeName(), writes.writable(), writes.anonymousRead(),
                options.tls().enabled()));
        factory.setConnectionConfig(connectionConfig(options, writes));
        factory.setFtplets(ftplets(options, connections, writes, accessLog, transferDurations));
        CommandFactoryFactory commands = new CommandFactoryFactory();
        commands.addCommand("LIST", new UnixListCommand());
        commands.addCommand("STOR", new UploadCommand(UploadCommand.Mode.STOR));
        commands.addCommand("APPE", new UploadCommand(UploadCommand.Mode.APPE));
        commands.addCommand("STOU", new UploadCommand(UploadCommand.Mode.STOU));
        commands.addCommand("MKD", new WriteCommands.Mkd());
        commands.addCommand("XMKD", new WriteCommands.Mkd());
        commands.addCommand("RMD", new WriteCommands.Rmd());
        commands.addCommand("XRMD", new WriteCommands.Rmd());
        commands.addCommand("DELE", new WriteCommands.Dele());
        commands.addCommand("RNFR", new WriteCommands.Rnfr());
        commands.addCommand("RNTO", new WriteCommands.Rnto());
        commands.addCommand("MFMT", new WriteCommands.Mfmt());
        if (options.tls().enabled()) {
            commands.addCommand("AUTH", new TlsCommands.Auth());
            commands.addCommand("PBSZ", new TlsCommands.Pbsz());
            commands.addCommand("PROT", new TlsCommands.Prot(options.tls().required()));
        }
        factory.setCommandFactory(commands.createCommandFactory());
        this.server = factory.createServer();
    }

    private static Listener listener(FtpOptions options, LoginTimeout loginTimeout) {
        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setActiveEnabled(true);
        data.setActiveIpCheck(true); // PORT/EPRT only to the client itself; ActiveModeGuardFtplet says so first
        data.setPassiveIpCheck(true); // a passive data connection only from the client itself
        if (options.passivePorts() != null) {
            data.setPassivePorts(options.passivePorts());
        }
        if (options.passiveAddress() != null) {
            data.setPassiveExternalAddress(options.passiveAddress());
        }
        data.setIdleTime(options.idleTimeoutSeconds()); // waiting for the client's data connection, and reads
        SslConfiguration tls = options.tls().enabled() ? new TlsCommands.SuppliedConfiguration(options.tls().context())
                : null;
        data.setSslConfiguration(tls);
        data.setImplicitSsl(false);

        DataConnectionConfiguration dataConfig = data.createDataConnectionConfiguration();

        // The session filter is MINA's only hook on a new connection, before any command is read.
        SessionFilter lineTooLong = LineTooLongFilter.installer();
        SessionFilter sessions = session -> {
            ChannelDataConnectionFactory.install(session, dataConfig);
            loginTimeout.watch(session);
            return lineTooLong.accept(session);
        };
        // Explicit TLS only (AUTH TLS on the FTP port); idle timeout 0: per session instead, see TransferIdleFtplet.
        // DfsFtpListener rather than MINA's NioListener: out of descriptors, one line a minute and no spin.
        return new DfsFtpListener(options.host().isEmpty() ? null : options.host(), options.port(), tls, dataConfig,
                0, sessions);
    }

    private static ConnectionConfig connectionConfig(FtpOptions options, FtpWrites writes) {
        ConnectionConfigFactory config = new ConnectionConfigFactory();
        config.setAnonymousLoginEnabled(writes.anonymousRead());
        // Failed logins wait as the LoginThrottle says (DfsUserManager), not MINA's fixed delay.
        config.setLoginFailureDelay(0);
        // ConnectionLimitFtplet enforces the limit at connect; MINA's login limits only must not be lower.
        config.setMaxAnonymousLogins(options.maxConnections());
        config.setMaxLogins(options.maxConnections());
        // A transfer holds one of MINA's threads from start to end: one per session, and a few more so
        // that connections over the limit still get their 421 while every session is transferring.
        config.setMaxThreads(options.maxConnections() + 4);
        return config.createConnectionConfig();
    }

    /** In this order: the connection count must see every connection, the idle reset every command. */
    private static Map<String, Ftplet> ftplets(FtpOptions options, ConnectionLimitFtplet connections,
                                               FtpWrites writes, AccessLog accessLog,
                                               DurationHistogram transferDurations) {
        Map<String, Ftplet> ftplets = new LinkedHashMap<>();
        ftplets.put("connectionLimit", connections);
        if (options.tls().required()) {
            ftplets.put("tlsRequired", new TlsRequiredFtplet());
        }
        ftplets.put("siteWrites", new SiteWritesFtplet(writes.writable()));
        ftplets.put("activeModeGuard", new ActiveModeGuardFtplet());
        ftplets.put("pathGuard", new PathGuardFtplet());
        ftplets.put("transferIdle", new TransferIdleFtplet(options.idleTimeoutSeconds()));
        if (accessLog.enabled()) {
            ftplets.put("accessLog", new AccessLogFtplet(accessLog));
        }
        ftplets.put("transferTimer", new TransferTimer(transferDurations)); // last: what a guard refused is not timed
        return ftplets;
    }

    /**
     * Binds the listen address and starts serving; logs {@code FTP public interface listening on <addr>...},
     * followed by {@code (explicit TLS offered)} or {@code (TLS required)} with a certificate.
     *
     * @throws IOException when the address cannot be bound
     * @throws IllegalStateException when this server was already stopped
     */
    public synchronized void start() throws IOException {
        try {
            server.start();
        } catch (FtpException | FtpServerConfigurationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("FTP: cannot listen on " + options.listenAddress(options.port()) + ": "
                    + cause.getMessage(), e);
        }
        FtpTls tls = options.tls();
        log.info("FTP public interface listening on {}...{}", options.listenAddress(port()),
                tls.required() ? " (TLS required)" : tls.enabled() ? " (explicit TLS offered)" : "");
    }

    /** The bound port, e.g. the one the system chose for port 0; the configured one before {@link #start()}. */
    public int port() {
        return listener.getPort();
    }

    /** The options this server was built with. */
    public FtpOptions options() {
        return options;
    }

    /**
     * What this port has done so far: MINA's own statistics (sessions, logins, transfers and their bytes;
     * {@link UploadCommand} reports its uploads there as MINA's {@code RETR} does its downloads) and the
     * refusals of dftp's limits. Any thread; each figure is read once, not all at one instant.
     */
    public FtpMetrics metrics() {
        FtpStatistics s = ((DefaultFtpServer) server).getServerContext().getFtpStatistics();
        return new FtpMetrics(connections.connected(), s.getTotalConnectionNumber(), s.getTotalLoginNumber(),
                s.getTotalFailedLoginNumber(), connections.refusedMax(), connections.refusedPerAddress(),
                loginTimeout.timedOut(), s.getTotalDownloadNumber(), s.getTotalDownloadSize(),
                s.getTotalUploadNumber(), s.getTotalUploadSize(), transferDurations.snapshot());
    }

    /** Control connections open now, those being refused with {@code 421} included. */
    public int openConnections() {
        return connections.connected();
    }

    /**
     * Closes every session, aborting its transfer, then stops listening; does nothing when already stopped.
     *
     * <p>MINA's own stop gives its threads five seconds and leaves a transfer running past them: a
     * transfer blocks its session's thread, and the session's close waits behind it. Closing the data
     * connections first ends the transfers at once, so the sessions close while MINA still runs.
     */
    public synchronized void stop() {
        if (server.isStopped()) {
            return;
        }
        for (FtpIoSession session : listener.getActiveSessions()) {
            session.getDataConnection().closeDataConnection();
            session.closeNow();
        }
        long deadline = System.currentTimeMillis() + STOP_GRACE_MILLIS;
        while (connections.connected() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop();
        loginTimeout.close();
        log.info("FTP public interface on {} stopped", options.listenAddress(port()));
    }

    @Override
    public void close() {
        stop();
    }
}
