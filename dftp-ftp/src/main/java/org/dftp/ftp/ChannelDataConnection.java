package org.dftp.ftp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import org.apache.ftpserver.ftplet.DataConnection;
import org.apache.ftpserver.ftplet.DataType;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.impl.DefaultFtpSession;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open data connection, on a {@link SocketChannel}. Binary downloads take the shortest way out:
 * a {@link LocalFileStream} goes with {@link FileChannel#transferTo} ({@code sendfile}: the kernel
 * copies from the page cache to the socket), a {@link ByteBufferSource} (a peer's file) buffer by
 * buffer as it holds them, any other stream through a large buffer. ASCII ({@code TYPE A}) and
 * {@code MODE Z} transfers convert as MINA's {@code IODataConnection} does.
 *
 * <p>MINA's commands answer {@code 426} to a {@link SocketException} and {@code 551} to any other
 * {@link IOException}. A plain socket throws only the former, a channel throws the latter too, so this
 * class decides by side instead of by type: whatever fails on the data connection is thrown as a
 * {@code SocketException} (the client went away: {@code 426}), whatever fails reading the file as a
 * plain {@code IOException} ({@code 551}). A failed {@code sendfile} counts as the data connection's:
 * the client is by far its likelier cause. On any failure the data connection is closed.
 *
 * <p>A private data connection ({@code PROT P}) has a {@link TlsDataChannel}, and every byte goes
 * through its engine: a local file is read into a pooled buffer and encrypted from there, a peer's
 * buffers are encrypted as they come (no {@code sendfile}, no {@code splice}: TLS needs the bytes in the
 * JVM), and a complete download ends with the TLS {@code close_notify}. The plain path is untouched: one
 * null check per transfer.
 */
final class ChannelDataConnection implements DataConnection {
    private static final Logger log = LoggerFactory.getLogger(ChannelDataConnection.class);
    /** Bytes per {@code sendfile} call: large enough to cost nothing, small enough to count progress. */
    static final long SENDFILE_CHUNK = 8L << 20;
    /** The copy buffer of streams that are neither local files nor buffer sources. */
    static final int COPY_BUFFER = 256 * 1024;
    /** What {@code TYPE A} uploads turn line ends into, as MINA does. */
    private static final byte[] EOL = System.lineSeparator().getBytes(StandardCharsets.US_ASCII);

    private final SocketChannel channel;
    private final ChannelDataConnectionFactory factory;
    private final IoSession control;
    /** TLS on this connection ({@code PROT P}), or null in clear. */
    private final TlsDataChannel tls;

    ChannelDataConnection(SocketChannel channel, ChannelDataConnectionFactory factory, IoSession control) {
        this(channel, factory, control, null);
    }

    ChannelDataConnection(SocketChannel channel, ChannelDataConnectionFactory factory, IoSession control,
                          TlsDataChannel tls) {
        this.channel = channel;
        this.factory = factory;
        this.control = control;
        this.tls = tls;
    }

    @Override
    public long transferToClient(FtpSession session, InputStream in) throws IOException {
        if (tls != null) {
            return secureTransferToClient(session, in);
        }
        try {
            long sent;
            if (factory.isZipMode()) {
                sent = copyZipped(session, in);
            } else if (session.getDataType() == DataType.ASCII) {
                sent = copyAscii(session, in);
            } else if (in instanceof LocalFileStream file) {
                sent = sendFile(session, file.channel());
            } else if (in instanceof ByteBufferSource source) {
                sent = sendBuffers(session, source);
            } else {
                sent = copy(session, in);
            }
            return sent;
        } catch (IOException | RuntimeException e) {
            failed(e);
            throw e;
        } finally {
            new FtpIoSession(control, null).updateLastAccessTime();
        }
    }

    /** {@link #transferToClient(FtpSession, InputStream)} over TLS: through the engine, then {@code close_notify}. */
    private long secureTransferToClient(FtpSession session, InputStream in) throws IOException {
        try {
            long sent;
            if (factory.isZipMode()) {
                sent = copyZipped(session, in);
            } else if (session.getDataType() == DataType.ASCII) {
                sent = copyAscii(session, in);
            } else if (in instanceof LocalFileStream file) {
                sent = encryptFile(session, file.channel());
            } else if (in instanceof ByteBufferSource source) {
                sent = encryptBuffers(session, source);
            } else {
                sent = copy(session, in);
            }
            closeNotify();
            return sent;
        } catch (IOException | RuntimeException e) {
            failed(e);
            throw e;
        } finally {
            tls.release();
            new FtpIoSession(control, null).updateLastAccessTime();
        }
    }

    @Override
    public void transferToClient(FtpSession session, String str) throws IOException {
        byte[] bytes = str.getBytes(StandardCharsets.UTF_8);
        try {
            if (factory.isZipMode()) {
                try (OutputStream out = new DeflaterOutputStream(socketOutput(), true)) {
                    out.write(bytes);
                }
            } else {
                write(ByteBuffer.wrap(bytes));
            }
            counted(session, bytes.length);
            if (tls != null) {
                closeNotify();
            }
        } catch (IOException | RuntimeException e) {
            failed(e);
            throw e;
        } finally {
            if (tls != null) {
                tls.release();
            }
        }
    }

    /** Uploads, as MINA's: {@code TYPE A} turns CR, LF and CRLF into this system's line end. */
    @Override
    public long transferFromClient(FtpSession session, OutputStream out) throws IOException {
        try {
            return receive(session, out);
        } finally {
            if (tls != null) {
                tls.release();
            }
        }
    }

    private long receive(FtpSession session, OutputStream out) throws IOException {
        // The socket's stream honours the idle time as SO_TIMEOUT; TLS reads through it too.
        InputStream in = tls != null ? tls.input() : channel.socket().getInputStream();
        if (factory.isZipMode()) {
            in = new InflaterInputStream(in);
        }
        boolean ascii = session.getDataType() == DataType.ASCII;
        byte[] buffer = new byte[COPY_BUFFER];
        byte[] converted = ascii ? new byte[COPY_BUFFER * EOL.length] : null;
        long received = 0;
        byte last = 0;
        try {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw dataConnectionFailed(e);
                }
                if (n < 0) {
                    break;
                }
                if (ascii) {
                    int m = 0;
                    for (int i = 0; i < n; i++) {
                        byte b = buffer[i];
                        if (b == '\r' || (b == '\n' && last != '\r')) {
                            System.arraycopy(EOL, 0, converted, m, EOL.length);
                            m += EOL.length;
                        } else if (b != '\n') {
                            converted[m++] = b;
                        }
                        last = b;
                    }
                    out.write(converted, 0, m);
                } else {
                    out.write(buffer, 0, n);
                }
                received += n;
                TransferProgress.counted(session, n);
                if (session instanceof DefaultFtpSession s) {
                    s.increaseReadDataBytes(n);
                }
            }
            out.flush();
            return received;
        } catch (IOException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    /** A local file, from its channel's position to its end (as it is when the end is reached). */
    private long sendFile(FtpSession session, FileChannel file) throws IOException {
        long start = file.position();
        long position = start;
        while (true) {
            long n;
            try {
                n = file.transferTo(position, SENDFILE_CHUNK, channel);
            } catch (IOException e) {
                throw dataConnectionFailed(e);
            }
            if (n <= 0) { // the end of the file: a blocking socket takes every byte it is given
                return position - start;
            }
            position += n;
            counted(session, n);
        }
    }

    /** A local file over TLS: read into a pooled buffer, encrypted from it. */
    private long encryptFile(FtpSession session, FileChannel file) throws IOException {
        ByteBuffer chunk = TlsDataChannel.chunk();
        try {
            long sent = 0;
            while (true) {
                chunk.clear().limit(TlsDataChannel.CHUNK);
                int n = file.read(chunk); // a failure here is the file's: a plain IOException
                if (n < 0) {
                    return sent;
                }
                chunk.flip();
                write(chunk);
                sent += n;
                counted(session, n);
            }
        } finally {
            TlsDataChannel.giveBack(chunk);
        }
    }

    /** A peer's file over TLS: each buffer it lends is encrypted as it is, never spliced. */
    private long encryptBuffers(FtpSession session, ByteBufferSource source) throws IOException {
        long sent = 0;
        for (ByteBuffer buffer = next(source); buffer != null; buffer = next(source)) {
            int n = buffer.remaining();
            write(buffer);
            sent += n;
            counted(session, n);
        }
        return sent;
    }

    /** Ends a complete download with TLS's {@code close_notify}, so the client can tell it from a cut one. */
    private void closeNotify() throws SocketException {
        try {
            tls.closeOutbound();
        } catch (IOException e) {
            throw dataConnectionFailed(e);
        }
    }

    private long sendBuffers(FtpSession session, ByteBufferSource source) throws IOException {
        if (!factory.holdOpen(channel)) {
            throw new SocketException("the data connection was closed");
        }
        try {
            long spliced = source.transferTo(channel, n -> counted(session, n));
            if (spliced >= 0) {
                return spliced;
            }
        } finally {
            factory.release(channel);
        }
        long sent = 0;
        for (ByteBuffer buffer = next(source); buffer != null; buffer = next(source)) {
            int n = buffer.remaining();
            write(buffer);
            sent += n;
            counted(session, n);
        }
        return sent;
    }

    /** The source's next buffer; its failures stay plain {@link IOException}s, as {@link #read} keeps them. */
    private static ByteBuffer next(ByteBufferSource source) throws IOException {
        try {
            return source.nextBuffer();
        } catch (SocketException e) {
            throw new IOException("reading the file failed: " + e.getMessage(), e);
        }
    }

    private long copy(FtpSession session, InputStream in) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        long sent = 0;
        for (int n = read(in, buffer); n >= 0; n = read(in, buffer)) {
            write(ByteBuffer.wrap(buffer, 0, n));
            sent += n;
            counted(session, n);
        }
        return sent;
    }

    /** {@code TYPE A}: a LF not preceded by a CR becomes CRLF, as MINA's IODataConnection sends it. */
    private long copyAscii(FtpSession session, InputStream in) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER / 2];
        byte[] converted = new byte[COPY_BUFFER];
        long sent = 0;
        byte last = 0;
        for (int n = read(in, buffer); n >= 0; n = read(in, buffer)) {
            int m = 0;
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\n' && last != '\r') {
                    converted[m++] = '\r';
                }
                converted[m++] = b;
                last = b;
            }
            write(ByteBuffer.wrap(converted, 0, m));
            sent += n; // MINA counts the file's bytes, not the line ends added
            counted(session, n);
        }
        return sent;
    }

    /** {@code MODE Z}: deflated, as MINA does it; {@code TYPE A} converts before deflating. */
    private long copyZipped(FtpSession session, InputStream in) throws IOException {
        boolean ascii = session.getDataType() == DataType.ASCII;
        byte[] buffer = new byte[COPY_BUFFER];
        long sent = 0;
        byte last = 0;
        try (DeflaterOutputStream deflater = new DeflaterOutputStream(socketOutput())) {
            OutputStream out = new BufferedOutputStream(deflater, COPY_BUFFER);
            for (int n = read(in, buffer); n >= 0; n = read(in, buffer)) {
                if (ascii) {
                    for (int i = 0; i < n; i++) {
                        byte b = buffer[i];
                        if (b == '\n' && last != '\r') {
                            out.write('\r');
                        }
                        out.write(b);
                        last = b;
                    }
                } else {
                    out.write(buffer, 0, n);
                }
                sent += n;
                counted(session, n);
            }
            out.flush();
        } // closing finishes the deflated stream; the data connection stays open
        return sent;
    }

    /** Reads from the file; its failures stay plain {@link IOException}s, even a peer's socket errors. */
    private static int read(InputStream in, byte[] buffer) throws IOException {
        try {
            return in.read(buffer);
        } catch (SocketException e) {
            throw new IOException("reading the file failed: " + e.getMessage(), e);
        }
    }

    private void write(ByteBuffer buffer) throws SocketException {
        try {
            if (tls != null) {
                tls.write(buffer);
                return;
            }
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw dataConnectionFailed(e);
        }
    }

    /** The data connection as a stream whose failures are {@link SocketException}s. */
    private OutputStream socketOutput() {
        OutputStream raw = tls != null ? tls.output() : Channels.newOutputStream(channel);
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    raw.write(b, off, len);
                } catch (IOException e) {
                    throw dataConnectionFailed(e);
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    raw.flush();
                } catch (IOException e) {
                    throw dataConnectionFailed(e);
                }
            }
        };
    }

    private static SocketException dataConnectionFailed(IOException e) {
        return ByteBufferSource.targetFailed(e);
    }

    private void failed(Exception e) {
        if (e instanceof org.dftp.core.write.WriteException) {
            log.info("Upload from {} refused mid-transfer, closing the data connection: {}", control.getRemoteAddress(),
                    e.getMessage());
        } else if (e instanceof SocketException) {
            log.info("Data connection to {} failed mid-transfer, closing it: {}", control.getRemoteAddress(),
                    e.getMessage());
        } else {
            log.warn("Transfer on the data connection to {} failed, closing it: {}", control.getRemoteAddress(),
                    e.toString());
        }
        factory.closeDataConnection();
    }

    private static void counted(FtpSession session, long n) {
        TransferProgress.counted(session, n);
        if (session instanceof DefaultFtpSession s) {
            s.increaseWrittenDataBytes((int) n);
        }
    }
}
