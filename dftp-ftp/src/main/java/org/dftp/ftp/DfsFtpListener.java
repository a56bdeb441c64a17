package org.dftp.ftp;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.ftpserver.DataConnectionConfiguration;
import org.apache.ftpserver.FtpServerConfigurationException;
import org.apache.ftpserver.impl.DefaultFtpHandler;
import org.apache.ftpserver.impl.FtpHandler;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.ftpserver.impl.FtpServerContext;
import org.apache.ftpserver.ipfilter.MinaSessionFilter;
import org.apache.ftpserver.ipfilter.SessionFilter;
import org.apache.ftpserver.listener.nio.AbstractListener;
import org.apache.ftpserver.listener.nio.FtpHandlerAdapter;
import org.apache.ftpserver.listener.nio.FtpLoggingFilter;
import org.apache.ftpserver.listener.nio.FtpServerProtocolCodecFactory;
import org.apache.ftpserver.ssl.SslConfiguration;
import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.core.service.IoService;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolCodecFilter;
import org.apache.mina.filter.executor.ExecutorFilter;
import org.apache.mina.filter.logging.MdcInjectionFilter;
import org.apache.mina.transport.socket.nio.NioSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.dftp.core.AcceptFailureLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FTP port's listener: MINA FtpServer's {@code NioListener} (1.2, Apache License 2.0: the same filter
 * chain under the same names, which {@link LineTooLongFilter} relies on), with an acceptor of its own.
 *
 * <p>Why it exists: out of descriptors ({@code EMFILE}), MINA 2.2.4's {@code NioSocketAcceptor.accept}
 * catches the failure itself, logs it at {@code ERROR} with a stack trace and tries again 50 ms later,
 * twenty stack traces a second for as long as it lasts, out of reach of MINA's exception monitor.
 * {@link Acceptor} logs a failed accept through {@link AcceptFailureLog} (one line a minute, with a count, as
 * the HTTP ports do) and stops accepting for a second; connections meanwhile wait in the kernel's backlog.
 *
 * <p>Explicit TLS only ({@code AUTH TLS}, {@link TlsCommands}): unlike NioListener, it has no implicit TLS.
 */
final class DfsFtpListener extends AbstractListener {
    private static final Logger log = LoggerFactory.getLogger(DfsFtpListener.class);
    private final FtpHandler handler = new DefaultFtpHandler();
    private volatile Acceptor acceptor;
    private InetSocketAddress address;
    private FtpServerContext context;
    private volatile boolean suspended;

    DfsFtpListener(String serverAddress, int port, SslConfiguration explicitTls,
                   DataConnectionConfiguration dataConfig, int idleTimeout, SessionFilter sessionFilter) {
        super(serverAddress, port, false, explicitTls, dataConfig, idleTimeout, sessionFilter);
        try {
            InetAddress.getByName(serverAddress); // as MINA's ListenerFactory checks it
        } catch (UnknownHostException e) {
            throw new FtpServerConfigurationException("Unknown host", e);
        }
    }

    @Override
    public synchronized void start(FtpServerContext context) {
        if (!isStopped()) {
            throw new IllegalStateException("Listener already started");
        }
        try {
            this.context = context;
            address = getServerAddress() != null ? new InetSocketAddress(getServerAddress(), getPort())
                    : new InetSocketAddress(getPort());
            acceptor = new Acceptor();
            acceptor.setReuseAddress(true);
            acceptor.getSessionConfig().setReadBufferSize(2048);
            acceptor.getSessionConfig().setIdleTime(IdleStatus.BOTH_IDLE, getIdleTimeout());
            acceptor.getSessionConfig().setReceiveBufferSize(512);
            MdcInjectionFilter mdc = new MdcInjectionFilter();
            acceptor.getFilterChain().addLast("mdcFilter", mdc);
            if (getSessionFilter() != null) {
                acceptor.getFilterChain().addLast("sessionFilter", new MinaSessionFilter(getSessionFilter()));
            }
            acceptor.getFilterChain().addLast("threadPool", new ExecutorFilter(context.getThreadPoolExecutor()));
            acceptor.getFilterChain().addLast("codec", new ProtocolCodecFilter(new FtpServerProtocolCodecFactory()));
            acceptor.getFilterChain().addLast("mdcFilter2", mdc);
            acceptor.getFilterChain().addLast("logger", new FtpLoggingFilter());
            handler.init(context, this);
            acceptor.setHandler(new FtpHandlerAdapter(context, handler));
            try {
                acceptor.bind(address);
            } catch (IOException e) {
                throw new FtpServerConfigurationException("Failed to bind to address " + address
                        + ", check configuration", e);
            }
            setPort(acceptor.getLocalAddress().getPort());
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @Override
    public synchronized void stop() {
        if (acceptor != null) {
            acceptor.unbind();
            acceptor.dispose();
            acceptor = null;
        }
        context = null;
    }

    @Override
    public boolean isStopped() {
        return acceptor == null;
    }

    @Override
    public boolean isSuspended() {
        return suspended;
    }

    @Override
    public synchronized void suspend() {
        if (acceptor != null && !suspended) {
            acceptor.unbind();
            suspended = true;
        }
    }

    @Override
    public synchronized void resume() {
        if (acceptor != null && suspended) {
            try {
                acceptor.bind(address);
                setPort(acceptor.getLocalAddress().getPort());
                suspended = false;
            } catch (IOException e) {
                log.error("Failed to resume listener", e);
            }
        }
    }

    @Override
    public synchronized Set<FtpIoSession> getActiveSessions() {
        Set<FtpIoSession> sessions = new HashSet<>();
        if (acceptor != null) {
            for (IoSession session : acceptor.getManagedSessions().values()) {
                sessions.add(new FtpIoSession(session, context));
            }
        }
        return sessions;
    }

    /**
     * MINA's acceptor with its own {@code accept}: a failed accept is one {@link AcceptFailureLog} line a
     * minute, and the listening key leaves the selector's interest for a second ({@link #select()} puts it
     * back). Only MINA's acceptor thread ({@code NioSocketAcceptor-N}) calls {@code accept} and {@code select}.
     */
    private static final class Acceptor extends NioSocketAcceptor {
        private static final long PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
        /** The session class is package-private in MINA; its constructor is public. */
        private static final Constructor<?> SESSION;

        static {
            try {
                SESSION = Class.forName("org.apache.mina.transport.socket.nio.NioSocketSession")
                        .getConstructor(IoService.class, IoProcessor.class, SocketChannel.class);
                SESSION.setAccessible(true);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private AcceptFailureLog failures;
        private SelectionKey paused;
        private long resumeAt;

        Acceptor() {
            super(Runtime.getRuntime().availableProcessors());
        }

        @Override
        protected NioSession accept(IoProcessor<NioSession> processor, ServerSocketChannel handle) throws Exception {
            SelectionKey key = handle == null ? null : handle.keyFor(selector);
            if (key == null || !key.isValid() || !key.isAcceptable()) {
                return null;
            }
            SocketChannel ch;
            try {
                ch = handle.accept();
            } catch (IOException e) { // EMFILE above all: it fails again on every try until descriptors free up
                if (failures == null) {
                    failures = new AcceptFailureLog("FTP port " + handle.socket().getLocalPort());
                }
                failures.failed(e, "in a second");
                key.interestOps(0);
                paused = key;
                resumeAt = System.nanoTime() + PAUSE_NANOS;
                return null;
            }
            if (ch == null) {
                return null;
            }
            try {
                return (NioSession) SESSION.newInstance(this, processor, ch);
            } catch (InvocationTargetException e) {
                ch.close();
                throw e.getCause() instanceof Exception x ? x : e;
            }
        }

        @Override
        protected int select() throws Exception {
            if (paused != null) {
                long left = TimeUnit.NANOSECONDS.toMillis(resumeAt - System.nanoTime());
                if (left > 0) {
                    return selector.select(left); // a bind, unbind or dispose wakes it up early, as ever
                }
                if (paused.isValid()) {
                    paused.interestOps(SelectionKey.OP_ACCEPT);
                }
                paused = null;
            }
            return super.select();
        }
    }
}
