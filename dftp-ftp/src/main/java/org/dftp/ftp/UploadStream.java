package org.dftp.ftp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The bytes of one upload on their way to the file: written as they arrive, made the file only by
 * {@link #close()}, dropped by {@link #abort()}. A reader of the file sees the old content or the new one,
 * never a part, and an aborted upload leaves nothing behind.
 *
 * <p>An upload ends exactly once: after {@link #abort()}, {@code close()} does nothing; after a failed
 * {@code write} or {@code close}, the upload is already aborted. Written by one thread at a time (the FTP
 * session's).
 */
public abstract class UploadStream extends OutputStream {

    /**
     * Makes the bytes written so far the file, and returns once it is there: on this node's disk and in its
     * tree, or committed by its owner.
     *
     * @throws IOException when the file could not be made (the upload is then aborted); a
     *     {@link org.dftp.core.write.WriteException} says why in terms FTP replies with
     */
    @Override
    public abstract void close() throws IOException;

    /** Drops what was written; the file stays as it was. Safe to call again and after {@link #close()}. */
    public abstract void abort();
}
