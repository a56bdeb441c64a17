package org.dftp.ftp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.apache.ftpserver.DataConnectionConfiguration;
import org.apache.ftpserver.DataConnectionException;
import org.apache.ftpserver.ftplet.DataConnection;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.ftpserver.impl.IODataConnectionFactory;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's data connections, on sockets that have channels, so that a transfer can use
 * {@link java.nio.channels.FileChannel#transferTo} ({@code sendfile}) and write buffers without copies.
 *
 * <p>MINA's {@link IODataConnectionFactory} makes plain {@code ServerSocket}s and {@code Socket}s, which
 * have no channel, and copies every transfer through a 4 KiB array. It offers no way to supply another
 * factory, but keeps a session's under a session attribute that it fills on first use:
 * {@link #install} puts this one there when the connection is created, before any command runs.
 *
 * <p>This is MINA's factory again, statement for statement where it matters (the passive port
 * reservations, the passive address, the passive IP check, the idle time on accepts and reads, active
 * connections from the control connection's address), with channels. It extends MINA's class only so
 * that MINA's own commands ({@code NLST}, {@code MLSD}) still recognise it and answer {@code 503} to a
 * transfer without {@code PASV} or {@code PORT}; it overrides every method and uses none of its state.
 *
 * <p>A secure factory ({@code PROT P}, {@link #setSecure}) runs the TLS handshake on each connection it
 * opens, as the TLS server whichever side connected (RFC 4217), with an engine of the context the control
 * connection was secured with ({@link TlsCommands#context}); without one (no {@code AUTH} yet) every open
 * fails. A failed handshake is a connection that could not be opened ({@code 425}).
 */
final class ChannelDataConnectionFactory extends IODataConnectionFactory {
    private static final Logger log = LoggerFactory.getLogger(ChannelDataConnectionFactory.class);
    /** The session attribute of MINA's {@code FtpIoSession.getDataConnection()}. */
    static final String ATTRIBUTE = FtpIoSession.ATTRIBUTE_PREFIX + "data-connection";

    private final DataConnectionConfiguration config;
    private final IoSession control;
    private InetAddress controlAddress;

    private SocketChannel data;
    /** The data connection while a transfer writes to its descriptor number directly (see {@link #holdOpen}). */
    private SocketChannel held;
    /** A held data connection that was closed meanwhile: closed for real on {@link #release}. */
    private boolean closeOnRelease;
    private ServerSocketChannel passiveListener;
    private InetAddress address;
    private int port;
    private long requestTime;
    private boolean passive;
    private boolean secure;
    private boolean zip;

    private ChannelDataConnectionFactory(DataConnectionConfiguration config, IoSession control) {
        super(null, null);
        this.config = Objects.requireNonNull(config, "config");
        this.control = Objects.requireNonNull(control, "control");
        if (control.getLocalAddress() instanceof InetSocketAddress local) {
            this.controlAddress = local.getAddress();
        }
    }

    /**
     * Makes this the data connection factory of a new control connection.
     *
     * @param session the control connection, from its {@code sessionCreated} event
     * @param config the listener's data connection configuration, whose passive ports this reserves
     */
    static void install(IoSession session, DataConnectionConfiguration config) {
        session.setAttribute(ATTRIBUTE, new ChannelDataConnectionFactory(config, session));
    }

    /**
     * Closes the data connection and the passive listener, if any, and releases the passive port.
     *
     * <p>The output is shut down before the close: a thread blocked in {@code sendfile} towards a client
     * that stopped reading is not woken by a close, which only drops the descriptor, but is by a shutdown.
     */
    @Override
    public synchronized void closeDataConnection() {
        if (data != null) {
            try {
                if (data.isConnected()) {
                    data.shutdownOutput();
                }
            } catch (IOException e) {
                // already reset by the client; the close below is what matters
            }
            if (data == held) {
                closeOnRelease = true; // the shutdown above ends the transfer, which then closes it
            } else {
                close(data);
            }
            data = null;
        }
        if (passiveListener != null) {
            try {
                passiveListener.close();
            } catch (IOException e) {
                log.debug("closing a passive listener", e);
            }
            config.releasePassivePort(port);
            passiveListener = null;
        }
        requestTime = 0L;
    }

    /**
     * Keeps {@code channel} from being closed until {@link #release}: a transfer that writes to its
     * descriptor number outside the JDK (splice) must never find that number closed and reused by another
     * file or connection. A close meanwhile only shuts the output down, which ends the transfer.
     *
     * @return false when the channel is no longer this session's data connection
     */
    synchronized boolean holdOpen(SocketChannel channel) {
        if (data != channel || held != null) {
            return false;
        }
        held = channel;
        return true;
    }

    synchronized void release(SocketChannel channel) {
        if (held != channel) {
            return;
        }
        held = null;
        if (closeOnRelease) {
            closeOnRelease = false;
            close(channel);
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing a data connection", e);
        }
    }

    @Override
    public synchronized void initActiveDataConnection(InetSocketAddress address) {
        closeDataConnection();
        passive = false;
        this.address = address.getAddress();
        this.port = address.getPort();
        requestTime = System.currentTimeMillis();
    }

    @Override
    public synchronized InetSocketAddress initPassiveDataConnection() throws DataConnectionException {
        closeDataConnection();
        int passivePort = config.requestPassivePort();
        if (passivePort == -1) {
            throw new DataConnectionException("Cannot find an available passive port.");
        }
        try {
            address = config.getPassiveAddress() == null ? controlAddress : resolve(config.getPassiveAddress());
            port = passivePort; // released by closeDataConnection, whatever happens next
            passiveListener = ServerSocketChannel.open();
            passiveListener.bind(new InetSocketAddress(address, passivePort));
            port = passiveListener.socket().getLocalPort();
            // The adaptor's accept honours this timeout and hands out a socket with its channel.
            passiveListener.socket().setSoTimeout(idleMillis());
            passive = true;
            requestTime = System.currentTimeMillis();
            return new InetSocketAddress(address, port);
        } catch (IOException | RuntimeException e) {
            closeDataConnection();
            throw new DataConnectionException("Failed to initate passive data connection: " + e.getMessage(), e);
        }
    }

    @Override
    public InetAddress getInetAddress() {
        return address;
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public DataConnection openConnection() throws Exception {
        SSLContext tls;
        synchronized (this) {
            tls = secure ? TlsCommands.context(control) : null;
            if (secure && tls == null) {
                throw new IOException("PROT P needs AUTH TLS first");
            }
        }
        SocketChannel channel = connect();
        if (tls == null) {
            return new ChannelDataConnection(channel, this, control);
        }
        try {
            return new ChannelDataConnection(channel, this, control, TlsDataChannel.accept(channel, tls));
        } catch (IOException | RuntimeException e) {
            log.info("TLS handshake on the data connection from {} failed: {}", control.getRemoteAddress(),
                    e.getMessage());
            closeDataConnection();
            throw e;
        }
    }

    /**
     * Accepts the client's passive connection or connects to its active address, and keeps it. The
     * waiting happens outside the lock, so that {@link #closeDataConnection} (a stopping server) can
     * end it at once by closing what it waits on.
     */
    private SocketChannel connect() throws IOException {
        ServerSocketChannel listener;
        InetSocketAddress active = null;
        SocketChannel channel = null;
        synchronized (this) {
            if (address == null) {
                throw new IOException("PORT or PASV must be issued first");
            }
            listener = passive ? passiveListener : null;
            if (passive && listener == null) {
                throw new SocketException("the passive listener is closed: PASV again");
            }
            if (!passive) {
                active = new InetSocketAddress(address, port);
                channel = SocketChannel.open();
                data = channel; // a close while connecting closes it
            }
        }
        try {
            if (listener != null) {
                Socket accepted = listener.socket().accept(); // the adaptor honours SO_TIMEOUT
                channel = accepted.getChannel();
                if (config.isPassiveIpCheck() && control.getRemoteAddress() instanceof InetSocketAddress client
                        && !accepted.getInetAddress().equals(client.getAddress())) {
                    log.warn("Passive IP check failed: closing the data connection from {}, expected {}",
                            accepted.getInetAddress(), client.getAddress());
                    throw new SocketException("data connection from another address than the client's");
                }
                synchronized (this) {
                    if (passiveListener != listener) {
                        throw new SocketException("the data connection was closed while it opened");
                    }
                    data = channel;
                }
            } else {
                channel.socket().setReuseAddress(true);
                InetAddress local = config.getActiveLocalAddress() == null ? controlAddress
                        : InetAddress.getByName(config.getActiveLocalAddress());
                channel.bind(new InetSocketAddress(local, config.getActiveLocalPort()));
                channel.socket().connect(active, idleMillis());
            }
            channel.socket().setSoTimeout(idleMillis()); // reads of uploads; writes block as MINA's do
            return channel;
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            closeDataConnection();
            throw e;
        }
    }

    private int idleMillis() {
        return config.getIdleTime() * 1000;
    }

    private static InetAddress resolve(String host) throws DataConnectionException {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new DataConnectionException("Failed to resolve address", e);
        }
    }

    @Override
    public synchronized boolean isSecure() {
        return secure;
    }

    @Override
    public synchronized void setSecure(boolean secure) {
        this.secure = secure;
    }

    @Override
    public synchronized boolean isZipMode() {
        return zip;
    }

    @Override
    public synchronized void setZipMode(boolean zip) {
        this.zip = zip;
    }

    @Override
    public synchronized boolean isTimeout(long currTime) {
        if (requestTime == 0L || data != null || config.getIdleTime() == 0) {
            return false;
        }
        return currTime - requestTime >= idleMillis();
    }

    @Override
    public void dispose() {
        closeDataConnection();
    }

    @Override
    public synchronized void setServerControlAddress(InetAddress serverControlAddress) {
        this.controlAddress = serverControlAddress;
    }
}
