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
 */
final class GuardedFileRegion extends DefaultFileRegion {
    private final FileChannel file;
    private final long start;

    GuardedFileRegion(FileChannel file, long start, long count) {
        super(file, start, count);
        this.file = file;
        this.start = start;
    }

    @Override
    public long transferTo(WritableByteChannel target, long position) throws IOException {
        long written = super.transferTo(target, position);
        if (written == 0 && position < count() && file.size() < start + count()) {
            throw new IOException("file shrank to " + file.size() + " bytes while being sent");
        }
        return written;
    }
}
