package org.dftp.netty.dav;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.function.Consumer;
import org.dftp.netty.http.RequestBody;

/**
 * Collects a small body (an XML request of {@code PROPFIND}, {@code PROPPATCH}, {@code LOCK}) and hands it
 * over whole once it ended. One over {@link #MAX_BYTES} is answered {@code 400} and the rest dropped.
 */
final class SmallBody implements RequestBody {
    static final int MAX_BYTES = 64 * 1024;

    private final DavExchange ex;
    private final Consumer<byte[]> then;
    private byte[] bytes = new byte[0];
    private boolean tooLarge;

    SmallBody(DavExchange ex, Consumer<byte[]> then) {
        this.ex = ex;
        this.then = then;
    }

    @Override
    public void content(HttpContent piece) {
        try {
            ByteBuf b = piece.content();
            int n = b.readableBytes();
            if (!tooLarge && n > 0) {
                if (bytes.length + n > MAX_BYTES) {
                    tooLarge = true;
                    bytes = null;
                    ex.closeAfter();
                    ex.text(HttpResponseStatus.BAD_REQUEST, "request body over " + MAX_BYTES + " bytes");
                } else {
                    byte[] grown = java.util.Arrays.copyOf(bytes, bytes.length + n);
                    b.getBytes(b.readerIndex(), grown, bytes.length, n);
                    bytes = grown;
                }
            }
            if (piece instanceof LastHttpContent && !tooLarge) {
                try {
                    then.accept(bytes);
                } catch (RuntimeException e) {
                    ex.fail(e);
                }
            }
        } finally {
            piece.release();
        }
    }

    @Override
    public void abort() {
        bytes = null;
    }
}
