package org.dftp.netty.archive;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.GenericFutureListener;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.http.HttpResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty side of a folder download. On the event loop: the headers ({@code Content-Type},
 * {@code Content-Disposition}, no length: chunked on HTTP/1.1, ended by a close on HTTP/1.0), then the
 * archive is made by one thread of a small pool of its own ({@value #MAX_ARCHIVES} at once per node, a
 * {@code 503} beyond), which reads the files, blocking as it may, and writes through an
 * {@link ArchiveStream}. The end is written on the event loop: the last chunk when the archive is whole;
 * when it is not (a file gone, shorter than the tree says, or its owner failing), the connection (or the
 * HTTP/2 stream) is closed without it, so the client sees a broken transfer instead of a valid short
 * archive, and one line of the log names the file. A client that goes away stops the worker at once.
 */
public final class ArchiveResponder {
    private static final Logger log = LoggerFactory.getLogger(ArchiveResponder.class);

    /** Archives made at once by one node: each is a thread reading files and a socket's worth of buffers. */
    public static final int MAX_ARCHIVES = 8;
    /** The name of the root folder's archive. */
    static final String ROOT_NAME = "dfs";

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadPoolExecutor WORKERS = new ThreadPoolExecutor(0, MAX_ARCHIVES, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "dftp-archive-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    private ArchiveResponder() {
    }

    /** How many archives are being made now. */
    static int active() {
        return WORKERS.getActiveCount();
    }

    /**
     * Answers {@code req} with {@code archive}; runs {@code done} on the event loop when the response is
     * over, whole or broken off. Call on the channel's event loop.
     */
    public static void send(ChannelHandlerContext ctx, HttpRequest req, FolderArchive archive, NodeMetrics metrics,
                            Runnable done) {
        HttpResponse res = HttpResponses.head(HttpResponseStatus.OK);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, archive.format().contentType);
        res.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, disposition(archive));
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (req.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0) {
            HttpUtil.setTransferEncodingChunked(res, true);
        }
        boolean keepAlive = HttpResponses.prepare(req, res); // false on HTTP/1.0: the close ends the body
        if (HttpMethod.HEAD.equals(req.method())) {
            ctx.write(res);
            end(ctx, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive, done);
            return;
        }
        Job job = new Job(ctx, archive, keepAlive, metrics, done);
        try {
            WORKERS.execute(job);
        } catch (RejectedExecutionException e) {
            log.info("HTTP: archive of {} refused: {} archives are being made", archive.folder(), MAX_ARCHIVES);
            HttpResponses.sendText(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "too many folder downloads at once, try again shortly\n");
            done.run();
            return;
        }
        // The worker's first piece is queued to this event loop behind the current task: the head goes first.
        ctx.writeAndFlush(res);
    }

    private static void end(ChannelHandlerContext ctx, ChannelFuture last, boolean keepAlive, Runnable done) {
        last.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
        done.run();
    }

    /**
     * {@code attachment; filename="NAME.zip"}, with a plain ASCII stand-in, and the exact name as RFC 6266's
     * {@code filename*=UTF-8''...} when it is not plain ASCII.
     */
    static String disposition(FolderArchive archive) {
        String name = (archive.folder().isRoot() ? ROOT_NAME : archive.folder().name()) + "."
                + archive.format().extension;
        StringBuilder ascii = new StringBuilder(name.length());
        boolean plain = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
            plain &= ok;
            ascii.append(ok ? c : '_');
        }
        String header = "attachment; filename=\"" + ascii + "\"";
        if (plain) {
            return header;
        }
        StringBuilder ext = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                ext.append((char) c);
            } else {
                ext.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return header + "; filename*=UTF-8''" + ext;
    }

    /** One archive being made, on a worker thread. */
    private static final class Job implements Runnable {
        private final ChannelHandlerContext ctx;
        private final FolderArchive archive;
        private final boolean keepAlive;
        private final Runnable done;
        private final NodeMetrics metrics;
        private final ArchiveStream out;

        Job(ChannelHandlerContext ctx, FolderArchive archive, boolean keepAlive, NodeMetrics metrics, Runnable done) {
            this.ctx = ctx;
            this.archive = archive;
            this.keepAlive = keepAlive;
            this.done = done;
            this.metrics = metrics;
            this.out = new ArchiveStream(ctx, metrics.bytesServedArchives);
        }

        @Override
        public void run() {
            Channel channel = ctx.channel();
            GenericFutureListener<ChannelFuture> closed = f -> {
                out.gone();
                archive.abort();
            };
            channel.closeFuture().addListener(closed);
            Throwable failure = null;
            try {
                archive.write(out);
                out.flush();
            } catch (Exception | Error e) {
                failure = e;
                if (!channel.isActive()) {
                    // Whatever the worker saw then (a write refused, a file closed under it): the client left.
                    log.debug("HTTP: {} archive of {} stopped: the client went away", archive.format().extension,
                            archive.folder());
                } else if (e instanceof FolderArchive.Broken b) {
                    metrics.archivesBroken.increment();
                    log.warn("HTTP: {} archive of {} broken off at {}: {}", archive.format().extension,
                            archive.folder(), b.file(), b.getMessage());
                } else {
                    log.warn("HTTP: {} archive of {} failed: {}", archive.format().extension, archive.folder(),
                            e.toString());
                }
            } finally {
                out.discard(); // what a broken archive left unsent; nothing after a flush
                channel.closeFuture().removeListener(closed);
            }
            boolean whole = failure == null;
            try {
                channel.eventLoop().execute(() -> {
                    if (whole) {
                        end(ctx, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive, done);
                    } else {
                        // No last chunk: a chunked body without its end, or a reset HTTP/2 stream.
                        ctx.close();
                        done.run();
                    }
                });
            } catch (RejectedExecutionException e) {
                log.debug("HTTP: archive of {} ended while the event loop shut down", archive.folder());
            }
        }
    }
}
