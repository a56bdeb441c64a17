package org.dftp.ftp;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.LongConsumer;

/**
 * A stream that can lend its bytes as the NIO buffers it already holds, so that FTP writes them to the
 * data connection as they are, without copying them through a {@code byte[]} first. A
 * {@link RemoteFileSource} may return an {@link java.io.InputStream} that implements it: a peer client
 * holds the owner's bytes in direct buffers, which a socket channel writes with no copy in Java.
 *
 * <p>A caller reads either with this method or with the stream's own {@code read} methods, not both.
 */
public interface ByteBufferSource {

    /**
     * The next bytes of the stream.
     *
     * @return a buffer of at least one byte, owned by this source and valid until the next call, or
     *     until the stream is closed; the caller may consume it (move its position) but not keep it. Null
     *     at the end of the stream.
     * @throws IOException when the bytes cannot be had, as {@code read} would throw it
     */
    ByteBuffer nextBuffer() throws IOException;

    /**
     * Sends the rest of the stream to {@code target} by a way shorter than buffer by buffer, if the source
     * has one (another node's file: {@code splice(2)} from the owner's socket to the client's, in the
     * kernel), or does nothing.
     *
     * <p>The caller keeps {@code target} open until this returns, since the source may write to it below
     * the JDK's own bookkeeping: a close must wait, a shutdown of its output is what ends a transfer early.
     *
     * @param target the data connection, in blocking mode
     * @param progress told each count of bytes as it is sent
     * @return the bytes sent, or -1 when the source has no shorter way and sent nothing
     * @throws SocketException when writing to {@code target} failed
     * @throws IOException (never a {@code SocketException}) when reading the source failed
     */
    default long transferTo(SocketChannel target, LongConsumer progress) throws IOException {
        return -1;
    }

    /** A failure to write to the data connection, as FTP blames it on the client: a {@link SocketException}. */
    static SocketException targetFailed(IOException e) {
        if (e instanceof SocketException s) {
            return s;
        }
        SocketException s = new SocketException(e.getMessage() == null ? e.toString() : e.getMessage());
        s.initCause(e);
        return s;
    }
}
