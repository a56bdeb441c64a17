package org.dftp.netty.tls;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.TimeUnit;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.http.PublicHttpInitializer;
import org.dftp.netty.limits.HeaderTimeout;
import org.dftp.netty.limits.PerAddressLimit;
import java.nio.charset.StandardCharsets;

/**
 * {@code -http-redirect-listen}: plain HTTP that answers every request with a {@code 308} to the same
 * path over HTTPS (308, not 301: a {@code PUT} is repeated as a {@code PUT}), then closes. The host is the
 * request's {@code Host} without its port, the port the HTTPS one (left out when it is 443).
 */
public final class HttpsRedirect extends SimpleChannelInboundHandler<HttpObject> {
    private final int httpsPort;

    private HttpsRedirect(int httpsPort) {
        this.httpsPort = httpsPort;
    }

    /**
     * The pipeline of a redirecting connection, with the limits of the public port, which a client could
     * otherwise get round here: {@code -http-max-connections-per-address} ({@code 503}), the header timeout
     * ({@code 408}: a slowloris trickling a byte now and then is cut), the idle timeout, then the codec (the
     * public port's, {@code 400} for malformed or folded headers) and this handler.
     */
    public static ChannelHandler initializer(int httpsPort, NodeConfig.Limits limits, NodeMetrics metrics) {
        PerAddressLimit perAddress = new PerAddressLimit(limits.maxConnectionsPerAddress(), true,
                metrics.connectionsRefusedPerAddress);
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                HeaderTimeout headers = new HeaderTimeout(limits.headerTimeout(), metrics.headerTimeouts);
                ch.pipeline().addLast(PublicHttpInitializer.PER_ADDRESS, perAddress)
                        .addLast(new ReadTimeoutHandler(limits.idleTimeout().toNanos(), TimeUnit.NANOSECONDS))
                        .addLast(PublicHttpInitializer.FIRST_BYTE, headers.firstByte())
                        .addLast(new org.dftp.netty.http.ObsFoldRefusingCodec(new HttpDecoderConfig()))
                        .addLast(PublicHttpInitializer.HEADER_TIMEOUT, headers)
                        .addLast(new HttpsRedirect(httpsPort));
            }
        };
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (!(msg instanceof HttpRequest req)) {
            return;
        }
        FullHttpResponse res;
        String host = hostOnly(req.headers().get(HttpHeaderNames.HOST));
        if (req.decoderResult().isFailure()) {
            res = text(HttpResponseStatus.BAD_REQUEST, "bad request: " + req.decoderResult().cause().getMessage() + "\n");
        } else if (host == null || !req.uri().startsWith("/")) {
            res = text(HttpResponseStatus.BAD_REQUEST, "a Host header and a path are needed to redirect to HTTPS\n");
        } else {
            String location = "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + req.uri();
            res = text(HttpResponseStatus.PERMANENT_REDIRECT, "moved to " + location + "\n");
            res.headers().set(HttpHeaderNames.LOCATION, location);
        }
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    /** The host of a {@code Host} header without its port, or null when it is not a plain host name or address. */
    static String hostOnly(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String h = host.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : valid(h.substring(0, end + 1));
        }
        int colon = h.indexOf(':');
        return valid(colon < 0 ? h : h.substring(0, colon));
    }

    private static String valid(String h) {
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '-' || c == '[' || c == ']' || c == ':';
            if (!ok) {
                return null; // no header injection through Location
            }
        }
        return h.isEmpty() ? null : h;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        return res;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
