package org.dftp.netty.http;

import io.netty.channel.DefaultFileRegion;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A {@link DefaultFileRegion} that fails instead of spinning when its file shrank after the response
 * headers promised {@code count} bytes.
 *
 * <p>The epoll transport checks this itself when sendfile writes nothing; the NIO transport takes a
 * zero-byte {@code transferTo} for a full socket buffer and retries forever, holding a core. Failing the
 * write closes the connection, which is the only honest end of a response that can no longer be
 * completed.
 *
 * <p>The channel is shared (see {@link OpenFileCache}), and read only at explicit positions: sendfile and
 * {@code transferTo} take the offset, so no response moves another's position.
 */
final class GuardedFileRegion extends DefaultFileRegion {
    private final OpenFileCache.SharedFile shared;
    private final long start;

    /** Reads {@code count} bytes from {@code start} of a shared channel, and releases it when done. */
    GuardedFileRegion(OpenFileCache.SharedFile shared, long start, long count) {
        super(shared.channel(), start, count);
        this.shared = shared;
        this.start = start;
    }

    @Override
    public long transferTo(WritableByteChannel target, long position) throws IOException {
        long written = super.transferTo(target, position);
        FileChannel file = shared.channel();
        if (written == 0 && position < count() && file.size() < start + count()) {
            throw new IOException("file shrank to " + file.size() + " bytes while being sent");
        }
        return written;
    }

    /** Others may still read the channel: this region gives back its reference instead of closing it. */
    @Override
    protected void deallocate() {
        shared.release();
    }
}
