package org.dftp.netty.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import org.dftp.core.local.LocalFile;
import org.dftp.netty.NodeMetrics;

/**
 * Sends a local file: conditional requests ({@code 304}), single ranges ({@code 206}, {@code 416}),
 * {@code HEAD}, and the body by the cheapest means the pipeline allows, chosen in {@link #writeBody}.
 */
final class FileResponder {
    /** Files up to this size go out in one buffer with the headers: one write instead of write + sendfile. */
    static final int SMALL_FILE = 16 * 1024;
    private static final int CHUNK = 64 * 1024;
    /** Small settled files of every node in this process, like the page cache: by real path, checked per use. */
    private static final SmallFileCache CACHE = new SmallFileCache(16_384, 64L * 1024 * 1024);
    /** Larger files' open channels, by real path, each closed 10 s after its last use (nginx: 60 s). */
    private static final OpenFileCache OPEN_FILES = new OpenFileCache(512, 10_000_000_000L);

    private FileResponder() {
    }

    /**
     * @param contentType the {@code Content-Type} to send
     * @return the future of the last write, completed when the response is out (or failed)
     */
    static ChannelFuture send(ChannelHandlerContext ctx, HttpRequest req, LocalFile file, String contentType,
                              NodeMetrics metrics) throws IOException {
        long size = file.size();
        long mtime = file.lastModified();
        String etag = etag(size, mtime);
        HttpHeaders h = req.headers();

        if (Conditionals.notModified(h, etag, mtime)) {
            FullHttpResponse res = HttpResponses.full(HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
            setValidators(res, etag, mtime);
            return HttpResponses.sendFull(ctx, req, res);
        }
        ByteRange range = Conditionals.rangeApplies(h, etag, mtime)
                ? ByteRange.parse(h.get(HttpHeaderNames.RANGE), size) : ByteRange.whole(size);
        if (!range.satisfiable()) {
            FullHttpResponse res = HttpResponses.full(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                    Unpooled.EMPTY_BUFFER);
            res.headers().set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(size));
            res.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
            return HttpResponses.sendFull(ctx, req, res);
        }

        HttpResponseStatus status = range.partial() ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK;
        boolean head = HttpMethod.HEAD.equals(req.method());
        if (!head && range.length() <= SMALL_FILE) {
            FullHttpResponse res = HttpResponses.full(status, smallBody(ctx, file, range));
            describe(res, contentType, etag, mtime, range, size);
            metrics.bytesServedLocal.add(range.length());
            return HttpResponses.sendFull(ctx, req, res);
        }
        HttpResponse res = HttpResponses.head(status);
        describe(res, contentType, etag, mtime, range, size);
        boolean keepAlive = HttpResponses.prepare(req, res);
        if (head) {
            ctx.write(res);
            ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                last.addListener(ChannelFutureListener.CLOSE);
            }
            return last;
        }
        ChannelFuture last = writeBody(ctx, res, file, range);
        // The headers promised every byte: a body that fails half-way can only end with the connection.
        last.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        long sent = range.length();
        last.addListener(f -> {
            if (f.isSuccess()) {
                metrics.bytesServedLocal.add(sent);
            }
        });
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
        return last;
    }

    /**
     * The body of a small response: from the cache for a small whole file (read and cached on a miss),
     * else read from disk. The caller owns the buffer.
     */
    private static ByteBuf smallBody(ChannelHandlerContext ctx, LocalFile file, ByteRange range) throws IOException {
        if (file.size() > SMALL_FILE) {
            return read(ctx, file, range.start(), (int) range.length());
        }
        ByteBuf whole = CACHE.get(file);
        if (whole == null) {
            whole = read(ctx, file, 0, (int) file.size());
            CACHE.put(file, whole, System.currentTimeMillis() * 1_000_000L);
        }
        if (!range.partial()) {
            return whole;
        }
        ByteBuf part = whole.retainedSlice((int) range.start(), (int) range.length());
        whole.release();
        return part;
    }

    private static ByteBuf read(ChannelHandlerContext ctx, LocalFile file, long start, int len) throws IOException {
        ByteBuf buf = ctx.alloc().ioBuffer(len);
        try (FileChannel ch = org.dftp.core.local.RegularFiles.openRead(file)) {
            long pos = start;
            while (buf.writerIndex() < len) {
                int n = buf.writeBytes(ch, pos, len - buf.writerIndex());
                if (n < 0) {
                    throw new IOException("file shrank while being read");
                }
                pos += n;
            }
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /**
     * The one place that picks how bytes leave: sendfile through a {@link GuardedFileRegion} on a cached open
     * channel when nothing in the pipeline needs to see them, chunks read from a channel of its own when TLS,
     * HTTP/2 framing or a content encoder that would compress this response does ({@link ListingCompressor}
     * never compresses a file). The file is opened before the headers are written, so that a failure to open it
     * can still be answered with a status of its own.
     */
    private static ChannelFuture writeBody(ChannelHandlerContext ctx, HttpResponse res, LocalFile file,
                                           ByteRange range) throws IOException {
        boolean transforms = ctx.pipeline().get(SslHandler.class) != null
                || ListingCompressor.mayEncode(ctx.pipeline(), res)
                || ctx.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel; // frames, under TLS
        if (!transforms) {
            OpenFileCache.SharedFile shared = OPEN_FILES.acquire(file);
            // Corked, the headers leave in the same segment as the file's first bytes instead of a packet
            // of their own, as nginx's tcp_nopush does; uncorking at the end pushes the last partial segment.
            TcpCork cork = TcpCork.on(ctx.channel());
            ctx.write(res);
            ctx.write(new GuardedFileRegion(shared, range.start(), range.length()));
            ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (cork != null) {
                last.addListener(f -> cork.off());
            }
            return last;
        }
        // NOFOLLOW refuses a symlink swapped in since LocalRoot's check. The chunked input closes it.
        FileChannel ch = org.dftp.core.local.RegularFiles.openRead(file);
        ctx.write(res);
        return ctx.writeAndFlush(new HttpChunkedInput(new GuardedChunkedFile(ch, range.start(), range.length(), CHUNK)));
    }

    private static void describe(HttpResponse res, String contentType, String etag, long mtime, ByteRange range,
                                 long size) {
        HttpHeaders h = res.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        h.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        setValidators(res, etag, mtime);
        if (range.partial()) {
            h.set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(size));
        }
        HttpUtil.setContentLength(res, range.length());
    }

    private static void setValidators(HttpResponse res, String etag, long mtime) {
        res.headers().set(HttpHeaderNames.ETAG, etag);
        res.headers().set(HttpHeaderNames.LAST_MODIFIED, HttpDates.of(mtime));
    }

    static String etag(long size, long mtime) {
        return ETags.of(size, mtime);
    }
}
