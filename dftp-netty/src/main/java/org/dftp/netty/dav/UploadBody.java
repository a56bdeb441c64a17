package org.dftp.netty.dav;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelConfig;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.EventExecutor;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.dftp.core.DfsPath;
import org.dftp.core.write.LocalWrites;
import org.dftp.core.write.Upload;
import org.dftp.core.write.WriteException;
import org.dftp.core.write.WriteResult;
import org.dftp.netty.http.RequestBody;

/**
 * Streams a {@code PUT} body into an {@link Upload}. The event loop only gathers pieces into batches of
 * {@link #BATCH_BYTES}; one writer thread ({@code io}, the same for the whole upload, so batches land in
 * order) makes the gathering writes, the {@code fsync} and the rename. Back-pressure: while more than
 * {@link #HIGH_WATER} bytes wait for the disk, the connection is not read; below {@link #LOW_WATER} it is
 * again. So an upload of any size holds well under a MiB, and a thousand of them under a GiB.
 */
final class UploadBody implements RequestBody {
    static final int BATCH_BYTES = 128 * 1024;
    static final long HIGH_WATER = 512 * 1024;
    static final long LOW_WATER = 128 * 1024;

    private final DavExchange ex;
    private final EventExecutor io;
    private final AtomicLong queued = new AtomicLong();
    private CompositeByteBuf batch;
    /** Read and written on {@code io} only. */
    private Upload upload;
    /** Set on the writer thread when the disk refused: later pieces are dropped. */
    private volatile boolean failed;
    private boolean paused;

    UploadBody(DavExchange ex, LocalWrites writes, DfsPath path, long keep, long limit, EventExecutor io) {
        this.ex = ex;
        this.io = io;
        io.execute(() -> {
            try {
                upload = writes.upload(path, keep, limit);
            } catch (WriteException e) {
                refuse(e);
            } catch (RuntimeException e) {
                failed = true;
                ex.fail(e);
            }
        });
    }

    @Override
    public void content(HttpContent piece) {
        ByteBuf b = piece.content();
        boolean last = piece instanceof LastHttpContent;
        if (failed) {
            // The pieces gathered before the disk refused are dropped with the rest.
            piece.release();
            if (batch != null) {
                batch.release();
                batch = null;
            }
            return;
        }
        if (b.isReadable()) {
            if (batch == null) {
                batch = ex.ctx.alloc().compositeDirectBuffer(64);
            }
            batch.addComponent(true, b.retain());
        }
        piece.release();
        if (batch != null && (last || batch.readableBytes() >= BATCH_BYTES)) {
            submit(batch);
            batch = null;
        }
        if (last) {
            io.execute(this::commit);
        }
    }

    private void submit(CompositeByteBuf bytes) {
        long n = bytes.readableBytes();
        if (queued.addAndGet(n) > HIGH_WATER) {
            // Every time, not only the first: the connection handler may have turned reading on meanwhile.
            paused = true;
            ex.ctx.channel().config().setAutoRead(false);
        }
        io.execute(() -> {
            try {
                if (upload != null && !failed) {
                    ByteBuffer[] parts = bytes.nioBuffers();
                    upload.write(parts);
                }
            } catch (WriteException e) {
                refuse(e);
            } finally {
                bytes.release();
                if (queued.addAndGet(-n) < LOW_WATER) {
                    ex.ctx.executor().execute(this::resumeReading);
                }
            }
        });
    }

    private void resumeReading() {
        if (paused && !failed) {
            paused = false;
            ChannelConfig config = ex.ctx.channel().config();
            config.setAutoRead(true);
            ex.ctx.read();
        }
    }

    /** On {@code io}. */
    private void commit() {
        if (upload == null || failed) {
            return;
        }
        try {
            WriteResult r = upload.commit();
            ex.status(r == WriteResult.CREATED ? HttpResponseStatus.CREATED : HttpResponseStatus.NO_CONTENT);
        } catch (WriteException e) {
            refuse(e);
        } catch (RuntimeException e) {
            failed = true;
            ex.fail(e);
        }
    }

    /** On {@code io}: the upload is aborted (its temp file deleted) and the client told why. */
    private void refuse(WriteException e) {
        failed = true;
        if (upload != null) {
            upload.abort();
        }
        // The rest of the body is not worth reading: the connection closes after the answer.
        ex.closeAfter();
        ex.refuse(e);
    }

    @Override
    public void abort() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
        failed = true;
        try {
            io.execute(() -> {
                if (upload != null) {
                    upload.abort();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The node is stopping and its writer threads are gone; the next start-up scan removes the temp file.
        }
    }
}
