package org.dftp.netty.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Every response of the public API goes out through here: it sets {@code Content-Length} (or chunked),
 * keep-alive, and closes the connection when the request asked for it or the response cannot be
 * followed by another.
 */
public final class HttpResponses {
    public static final String TEXT_UTF8 = "text/plain; charset=utf-8";
    private static final io.netty.util.AsciiString CONTENT_TYPE_OPTIONS =
            io.netty.util.AsciiString.cached("x-content-type-options");
    private static final io.netty.util.AsciiString NOSNIFF = io.netty.util.AsciiString.cached("nosniff");
    public static final String HTML_UTF8 = "text/html; charset=utf-8";
    public static final String JSON_UTF8 = "application/json; charset=utf-8";

    private static final io.netty.util.AsciiString SERVER = io.netty.util.AsciiString.cached("dftp");

    /**
     * Headers of file and listing responses, whose values this server makes itself (types, lengths,
     * dates, validators): Netty's per-header validation would only check our own constants again on every
     * response. Responses that echo anything of the request (redirects, error texts) keep validation.
     */
    static final HttpHeadersFactory OWN_HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private HttpResponses() {
    }

    /** A response whose body follows separately. */
    public static HttpResponse head(HttpResponseStatus status) {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, OWN_HEADERS);
    }

    /** A complete response with {@code content} as its body. */
    public static FullHttpResponse full(HttpResponseStatus status, ByteBuf content) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content, OWN_HEADERS,
                DefaultHttpHeadersFactory.trailersFactory());
    }

    /**
     * A complete text response, e.g. an error: {@code status} and {@code text} as the body. It says
     * {@code nosniff}: the text may echo a path the client chose, and a browser that sniffed it as HTML
     * would run what the path carries.
     */
    public static ChannelFuture sendText(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status,
                                         String text) {
        ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT_UTF8);
        res.headers().set(CONTENT_TYPE_OPTIONS, NOSNIFF);
        return sendFull(ctx, req, res);
    }

    /**
     * Sends a complete response; a HEAD request gets the headers of it and no body. A {@code 304} gets
     * no {@code Content-Length}: RFC 9110 8.6 allows only the length the {@code 200} would have had.
     */
    public static ChannelFuture sendFull(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
        if (res.status().code() != HttpResponseStatus.NOT_MODIFIED.code()) {
            HttpUtil.setContentLength(res, res.content().readableBytes());
        }
        if (req != null && HttpMethod.HEAD.equals(req.method())) {
            res.content().clear();
        }
        boolean keepAlive = prepare(req, res);
        ChannelFuture f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return f;
    }

    /**
     * Sets the keep-alive headers of a response whose body follows separately; returns whether the
     * connection stays open after it. A response that already says {@code Connection: close} closes.
     */
    public static boolean prepare(HttpRequest req, HttpResponse res) {
        boolean keepAlive = req != null && HttpUtil.isKeepAlive(req) && req.decoderResult().isSuccess()
                && !res.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)
                && res.status().code() != HttpResponseStatus.BAD_REQUEST.code()
                && (HttpUtil.isContentLengthSet(res) || HttpUtil.isTransferEncodingChunked(res)
                || res.status().code() == 304 || res.status().code() == 204);
        res.headers().set(HttpHeaderNames.SERVER, SERVER);
        res.headers().set(HttpHeaderNames.DATE, HttpDates.now());
        if (keepAlive) {
            if (!req.protocolVersion().isKeepAliveDefault()) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return keepAlive;
    }
}
