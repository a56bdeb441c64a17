package org.dftp.netty.dav;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.User;
import org.dftp.core.write.WriteException;
import org.dftp.netty.http.HttpResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebDAV request being answered: where to answer it, what it is about, and the one way out. Exactly one
 * response is sent, on the event loop, and then {@code done} runs, which lets the connection's later
 * requests in.
 */
final class DavExchange {
    private static final Logger log = LoggerFactory.getLogger(DavExchange.class);
    static final String XML_UTF8 = "application/xml; charset=utf-8";

    final ChannelHandlerContext ctx;
    final HttpRequest req;
    final DfsPath path;
    final User user;
    final int hops;
    private final Runnable done;
    private boolean answered;
    /** Set when the request's body is not read: the connection cannot carry another request after it. */
    private boolean closeAfter;

    DavExchange(ChannelHandlerContext ctx, HttpRequest req, DfsPath path, User user, int hops, Runnable done) {
        this.ctx = ctx;
        this.req = req;
        this.path = path;
        this.user = user;
        this.hops = hops;
        this.done = done;
    }

    void closeAfter() {
        closeAfter = true;
    }

    String header(CharSequence name) {
        return req.headers().get(name);
    }

    void reply(FullHttpResponse res) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> reply(res));
            return;
        }
        if (answered) {
            res.release();
            return;
        }
        answered = true;
        if (closeAfter) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        HttpResponses.sendFull(ctx, req, res);
        done.run();
    }

    void status(HttpResponseStatus status) {
        reply(HttpResponses.full(status, Unpooled.EMPTY_BUFFER));
    }

    void text(HttpResponseStatus status, String text) {
        FullHttpResponse res = HttpResponses.full(status, Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpResponses.TEXT_UTF8);
        reply(res);
    }

    void xml(HttpResponseStatus status, String xml) {
        FullHttpResponse res = HttpResponses.full(status, Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, XML_UTF8);
        reply(res);
    }

    void refuse(WriteException e) {
        text(WriteStatus.of(e), e.getMessage());
    }

    /** Something this server did not expect: logged, and answered {@code 500}. */
    void fail(Throwable t) {
        log.warn("WebDAV: {} {} failed: {}", req.method(), path, t.toString());
        text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
    }

    /** A disk operation that may block: run on {@code io}, answered by {@code then} back on the event loop. */
    void blocking(Executor io, DiskWork work) {
        io.execute(() -> {
            try {
                work.run();
            } catch (WriteException e) {
                refuse(e);
            } catch (RuntimeException e) {
                fail(e);
            }
        });
    }

    /** Work on the disk that answers the exchange itself. */
    @FunctionalInterface
    interface DiskWork {
        void run() throws WriteException;
    }

    /** The owner answered the client directly through the forwarder. */
    void forwarded() {
        answered = true;
        done.run();
    }

}
