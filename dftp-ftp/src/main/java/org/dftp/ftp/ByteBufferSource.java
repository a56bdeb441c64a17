package org.dftp.ftp;

import java.io.IOException;
import java.nio.ByteBuffer;

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
}
