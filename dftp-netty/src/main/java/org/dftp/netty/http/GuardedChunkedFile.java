package org.dftp.netty.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A {@link ChunkedNioFile} that fails instead of spinning when its file shrank after the response
 * headers promised {@code length} bytes: the chunked counterpart of {@link GuardedFileRegion}.
 *
 * <p>Netty's {@code ChunkedNioFile} answers a read past the end of the file with an empty chunk and still
 * says it is not at its end, so {@code ChunkedWriteHandler} asks again at once, forever, holding the event
 * loop (seen with a compressor in the pipeline). Failing the read fails the write; the caller closes the
 * connection, the only honest end of a response that can no longer be completed.
 */
final class GuardedChunkedFile extends ChunkedNioFile {
    private final FileChannel file;
    private final long end;

    GuardedChunkedFile(FileChannel file, long start, long length, int chunkSize) throws IOException {
        super(file, start, length, chunkSize);
        this.file = file;
        this.end = start + length;
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        ByteBuf chunk = super.readChunk(allocator);
        if (chunk != null && !chunk.isReadable() && !isEndOfInput()) {
            chunk.release();
            throw new IOException("file shrank to " + file.size() + " bytes while being sent (" + end + " promised)");
        }
        return chunk;
    }
}
