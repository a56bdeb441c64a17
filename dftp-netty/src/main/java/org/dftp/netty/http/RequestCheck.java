package org.dftp.netty.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Right behind the HTTP/1 codec: refuses the requests the codec lets through but nginx refuses, and
 * makes sure nothing after a refused request is ever handled.
 *
 * <p>The codec already answers malformed framing (both {@code Content-Length} and
 * {@code Transfer-Encoding}, differing lengths, a last coding other than {@code chunked}, bare CR, a space
 * before the colon) with a failed {@link io.netty.handler.codec.DecoderResult}. This adds, one status per
 * condition:
 * <ul>
 *   <li>a major version other than 1 ({@code HTTP/9.9}, {@code HTTP/2.0} in a text request line): {@code 505};
 *       a higher minor version ({@code HTTP/1.2}) is served as HTTP/1.1, as RFC 9110 2.5 and nginx do;</li>
 *   <li>an HTTP/1.1 request without {@code Host}, or with more than one: {@code 400} (RFC 9112 3.2).</li>
 * </ul>
 * Such a request goes on with a failed decoder result, so {@link DfsHttpHandler} answers it like any
 * malformed one and closes the connection. From then on every message is dropped, and so it is once a
 * response saying {@code Connection: close} went out (every response that ends a connection says so, see
 * {@link HttpResponses#prepare}) or the connection closed: a request pipelined behind a refused one, which
 * the codec may already have decoded from the same read, is never served, even while the refusal still
 * waits behind earlier responses for a slow reader (a pipelined {@code DELETE} after a {@code 400} deletes
 * nothing).
 *
 * <p>Cheap: a version compare and a header lookup per request, one header lookup per response, nothing
 * per body piece but a flag test.
 * HTTP/1 only: over HTTP/2 the version is fixed and the authority is a pseudo-header.
 */
public final class RequestCheck extends ChannelDuplexHandler {
    /** Why a request was refused, and with what status; the message is shown to the client. */
    public static final class Refused extends IllegalArgumentException {
        private final HttpResponseStatus status;

        Refused(HttpResponseStatus status, String message) {
            super(message);
            this.status = status;
        }

        public HttpResponseStatus status() {
            return status;
        }
    }

    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused || !ctx.channel().isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest req) {
            if (req.decoderResult().isSuccess()) {
                Refused why = check(req);
                if (why != null) {
                    req.setDecoderResult(DecoderResult.failure(why));
                }
            }
            refused = req.decoderResult().isFailure();
        } else if (msg instanceof io.netty.handler.codec.http.HttpContent piece && piece.decoderResult().isFailure()) {
            refused = true; // a body the codec refused (chunk framing, a folded trailer): the handler closes
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse res && res.status().code() >= 200
                && res.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
            refused = true; // the last response of this connection: nothing read after it is answered
        }
        ctx.write(msg, promise);
    }

    /** Why {@code req} is refused, or null when it is fine. */
    static Refused check(HttpRequest req) {
        HttpVersion v = req.protocolVersion();
        if (v.majorVersion() != 1) {
            return new Refused(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported");
        }
        if (v.minorVersion() >= 1) {
            String host = req.headers().get(HttpHeaderNames.HOST);
            if (host == null) {
                return new Refused(HttpResponseStatus.BAD_REQUEST, "an HTTP/1.1 request needs a Host header");
            }
            List<String> all = req.headers().getAll(HttpHeaderNames.HOST);
            if (all.size() > 1) {
                return new Refused(HttpResponseStatus.BAD_REQUEST, "more than one Host header");
            }
        }
        return null;
    }
}
