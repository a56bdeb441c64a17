package org.dftp.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * A local file's bytes from its channel's position on: a plain {@link InputStream} to whoever reads it
 * so (ASCII transfers), and the {@link FileChannel} itself to the data connection, which sends binary
 * transfers with {@link FileChannel#transferTo} ({@code sendfile}, no copy through the JVM). Closing
 * the stream closes the channel.
 */
final class LocalFileStream extends InputStream {
    private final FileChannel channel;

    /** @param channel an open file, positioned at the first byte to send */
    LocalFileStream(FileChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    /** The file, positioned where this stream has read up to. */
    FileChannel channel() {
        return channel;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        return channel.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        long position = channel.position();
        long skipped = Math.max(0, Math.min(n, channel.size() - position));
        channel.position(position + skipped);
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, channel.size() - channel.position()));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
