package org.dftp.netty.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dftp.netty.http.DfsHttpContext;
import org.dftp.netty.http.PublicHttpInitializer;

/**
 * The production public HTTP pipeline ({@link PublicHttpInitializer}) on an {@link EmbeddedChannel}:
 * requests go in as raw bytes, responses come out as the exact bytes a socket would carry. File regions
 * are transferred into the output as sendfile would, and every outbound buffer is released here.
 */
public final class EmbeddedHttp {
    public final EmbeddedChannel channel;
    /** File regions seen in the output, by the number of bytes each carried. */
    public int fileRegions;

    public EmbeddedHttp(DfsHttpContext context) {
        this(new PublicHttpInitializer(context));
    }

    /** The pipeline {@code initializer} builds, e.g. one with an access log. */
    public EmbeddedHttp(PublicHttpInitializer initializer) {
        channel = new EmbeddedChannel(initializer);
    }

    /** Writes raw request bytes (each char one byte, ISO-8859-1) and returns everything written back. */
    public byte[] exchange(String rawRequests) {
        channel.writeInbound(Unpooled.copiedBuffer(rawRequests, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        return drain();
    }

    /** One request: {@code METHOD uri HTTP/1.1}, a Host header, the extra header lines given, no body. */
    public RawResponse request(String method, String uri, String... headerLines) {
        StringBuilder b = new StringBuilder(method).append(' ').append(uri).append(" HTTP/1.1\r\nHost: test\r\n");
        for (String h : headerLines) {
            b.append(h).append("\r\n");
        }
        b.append("\r\n");
        return only(exchange(b.toString()), method);
    }

    public RawResponse get(String uri, String... headerLines) {
        return request("GET", uri, headerLines);
    }

    /** Parses exactly one response of {@code method} and fails on any byte after it. */
    public static RawResponse only(byte[] out, String method) {
        try {
            List<RawResponse> all = RawResponse.readAll(out, method);
            return all.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything written so far, as bytes; releases what it reads. */
    public byte[] drain() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel sink = Channels.newChannel(out);
        for (Object m = channel.readOutbound(); m != null; m = channel.readOutbound()) {
            try {
                if (m instanceof ByteBuf buf) {
                    buf.readBytes(out, buf.readableBytes());
                } else if (m instanceof FileRegion region) {
                    fileRegions++;
                    while (region.transferred() < region.count()) {
                        if (region.transferTo(sink, region.transferred()) == 0) {
                            throw new IOException("file region made no progress");
                        }
                    }
                } else {
                    throw new AssertionError("unexpected outbound message " + m.getClass().getName());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                io.netty.util.ReferenceCountUtil.release(m);
            }
        }
        return out.toByteArray();
    }
}
