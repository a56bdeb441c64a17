package org.dftp.netty.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.util.concurrent.TimeUnit;
import org.dftp.core.access.AccessLog;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.limits.HeaderTimeout;
import org.dftp.netty.limits.Http2HeaderTimeout;
import org.dftp.netty.limits.PerAddressLimit;
import org.dftp.netty.limits.StalledReaderTimeout;
import org.dftp.netty.tls.ServerTls;

/**
 * Builds the public HTTP pipeline and nothing else. In order:
 * <ol>
 *   <li>{@value #PER_ADDRESS}: one {@link PerAddressLimit} for the whole port, {@code 503} for a connection
 *       beyond {@code -http-max-connections-per-address} of its address;</li>
 *   <li>{@value #TLS}, with {@code -tls-cert}: the server side of TLS ({@link ServerTls}), whose presence
 *       makes files go out as chunks instead of {@code sendfile} ({@link FileResponder}); then {@value #ALPN}
 *       puts the rest in place for the protocol the client chose: HTTP/2 (a child channel per stream,
 *       each with the handlers below) or HTTP/1.1 as follows;</li>
 *   <li>{@value #FIRST_BYTE}, {@value #CODEC}: HTTP/1.1 with limits on the request line ({@code 414}) and
 *       headers ({@code 431}), and no folded header or trailer line ({@link ObsFoldRefusingCodec}, {@code 400});</li>
 *   <li>{@value #ACCESS_LOG}, with {@code -access-log}: {@link AccessLogHandler}, right behind the codec so
 *       that it sees every request and every response, whichever handler below wrote it (on HTTP/2, behind
 *       each stream's codec);</li>
 *   <li>{@value #HEADER_TIMEOUT}: a limit on how long the headers take ({@link HeaderTimeout}, {@code 408}
 *       after {@code -http-header-timeout});</li>
 *   <li>{@value #CHECK}: {@link RequestCheck}, what the codec lets through but nginx refuses ({@code 400},
 *       {@code 505}), and nothing after a refused request;</li>
 *   <li>{@value #STALLED}: closes a connection whose response stood still for {@code -http-send-timeout}
 *       ({@link StalledReaderTimeout});</li>
 *   <li>{@value #IDLE}: signals {@code -http-idle-timeout} without a byte from the client; the handler closes
 *       the connection unless a response is still going out (watching reads only spares a listener on every
 *       write);</li>
 *   <li>{@value #COUNTER}: counts responses by status; {@value #TIMER}: times each request ({@link RequestTimer});</li>
 *   <li>{@value #COMPRESS}: gzip or deflate for listings and {@code /find/} when the client accepts it
 *       ({@link ListingCompressor}); files pass it untouched, a {@code FileRegion} included;</li>
 *   <li>{@value #CHUNKED}: pulls streamed bodies as the socket drains;</li>
 *   <li>{@value #HANDLER}: {@link DfsHttpHandler}.</li>
 * </ol>
 * An HTTP/2 connection's own pipeline has {@value #STALLED}, {@value #IDLE}, {@value #HEADER_TIMEOUT} and
 * {@value #FIRST_BYTE} around the frame codec ({@link Http2HeaderTimeout}: no request begun and its headers
 * complete within {@code -http-header-timeout} while no stream is open: {@code GOAWAY} and closed),
 * {@value #H2_STREAMS} and {@value #IDLE_CLOSE}.
 * An HTTP/2 stream's pipeline has {@value #CODEC} (frames to the same HTTP objects), {@value #COUNTER}, {@value #TIMER},
 * {@value #COMPRESS}, {@value #CHUNKED} and {@value #HANDLER}.
 * It takes any {@link Channel}, so tests run this very pipeline on an {@code EmbeddedChannel}.
 */
public final class PublicHttpInitializer extends ChannelInitializer<Channel> {
    public static final String PER_ADDRESS = "per-address-limit";
    public static final String FIRST_BYTE = "header-first-byte";
    public static final String HEADER_TIMEOUT = "header-timeout";
    public static final String STALLED = "stalled-reader-timeout";
    public static final String TLS = "tls";
    public static final String ALPN = "alpn";
    public static final String IDLE_CLOSE = "idle-close";
    public static final String H2_STREAMS = "h2-streams";
    public static final String CODEC = "http-codec";
    public static final String ACCESS_LOG = "access-log";
    public static final String CHECK = "request-check";
    public static final String IDLE = "idle";
    public static final String COUNTER = "response-counter";
    public static final String TIMER = "request-timer";
    public static final String COMPRESS = "listing-compressor";
    public static final String CHUNKED = "chunked-writer";
    public static final String HANDLER = "dfs-http";

    /** Longest request line, as nginx's default large_client_header_buffers. */
    public static final int MAX_INITIAL_LINE = 8192;
    /** Largest header block. */
    public static final int MAX_HEADER_SIZE = 16 * 1024;
    /** The default of {@code -http-idle-timeout}, as nginx's keepalive_timeout. */
    public static final int IDLE_SECONDS = 75;
    /**
     * Largest piece of a request body the codec hands on: one per socket read (up to 64 KiB) instead of
     * Netty's 8 KiB, so an upload costs an eighth of the objects and pipeline trips.
     */
    public static final int MAX_BODY_PIECE = 64 * 1024;

    private final DfsHttpContext context;
    private final ResponseCounter counter;
    private final ServerTls tls;
    private final NodeConfig.Limits limits;
    private final PerAddressLimit perAddress;
    private final AccessLog accessLog;

    public PublicHttpInitializer(DfsHttpContext context) {
        this(context, null);
    }

    /** @param tls the certificate to speak HTTPS with, or null for plain HTTP */
    public PublicHttpInitializer(DfsHttpContext context, ServerTls tls) {
        this(context, tls, NodeConfig.Limits.DEFAULTS);
    }

    /** The same with these timeouts and per-address limit. */
    public PublicHttpInitializer(DfsHttpContext context, ServerTls tls, NodeConfig.Limits limits) {
        this(context, tls, limits, AccessLog.OFF);
    }

    /** The same, with a line in {@code accessLog} for every request ({@link AccessLog#OFF}: none). */
    public PublicHttpInitializer(DfsHttpContext context, ServerTls tls, NodeConfig.Limits limits,
                                 AccessLog accessLog) {
        this.accessLog = java.util.Objects.requireNonNull(accessLog, "accessLog");
        this.context = context;
        this.counter = new ResponseCounter(context.metrics());
        this.tls = tls;
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
        this.perAddress = new PerAddressLimit(limits.maxConnectionsPerAddress(), tls == null,
                context.metrics().connectionsRefusedPerAddress);
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(PER_ADDRESS, perAddress);
        if (tls != null) {
            p.addLast(TLS, tls.handler(ch.alloc()));
            p.addLast(ALPN, new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        http2(ctx.pipeline());
                    } else {
                        http1(ctx.pipeline());
                    }
                }
            });
            return;
        }
        http1(p);
    }

    /**
     * HTTP/2: one connection, a child channel per stream, each with the HTTP/1 objects the handler knows
     * ({@code Http2StreamFrameToHttpObjectCodec}), so every request is served by the same code.
     */
    private void http2(ChannelPipeline p) {
        p.addLast(STALLED, new StalledReaderTimeout(limits.sendTimeout(), context.metrics().stalledReadersCut));
        p.addLast(IDLE, new IdleStateHandler(limits.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(io.netty.handler.codec.http2.Http2Settings.defaultSettings()
                        .maxHeaderListSize(MAX_HEADER_SIZE)
                        // Uploads: a window of 1 MiB per stream, as the HTTP/1 path buffers about as much.
                        .initialWindowSize(1 << 20))
                .build();
        Http2HeaderTimeout headers = new Http2HeaderTimeout(limits.headerTimeout(), context.metrics().headerTimeouts,
                codec);
        p.addLast(HEADER_TIMEOUT, headers);
        p.addLast(CODEC, codec);
        p.addLast(FIRST_BYTE, headers.completed());
        p.addLast(H2_STREAMS, new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                ChannelPipeline s = stream.pipeline();
                s.addLast(CODEC, new Http2StreamFrameToHttpObjectCodec(true));
                addAccessLog(s);
                s.addLast(COUNTER, counter);
                s.addLast(TIMER, new RequestTimer(context.metrics().httpDurations));
                s.addLast(COMPRESS, new ListingCompressor());
                s.addLast(CHUNKED, new ChunkedWriteHandler());
                s.addLast(HANDLER, new DfsHttpHandler(context));
            }
        }));
        p.addLast(IDLE_CLOSE, IdleClose.INSTANCE);
    }

    /**
     * The end of an HTTP/2 connection's own pipeline: closes it when it sent nothing for {@code -http-idle-timeout}
     * (a download's peer keeps sending window updates) or when it failed (a reset is no news).
     */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class IdleClose extends io.netty.channel.ChannelInboundHandlerAdapter {
        static final IdleClose INSTANCE = new IdleClose();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            org.slf4j.LoggerFactory.getLogger(PublicHttpInitializer.class)
                    .debug("HTTP/2: connection from {} ended: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private void http1(ChannelPipeline p) {
        HeaderTimeout headers = new HeaderTimeout(limits.headerTimeout(), context.metrics().headerTimeouts);
        p.addLast(FIRST_BYTE, headers.firstByte());
        p.addLast(CODEC, new ObsFoldRefusingCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_BODY_PIECE)));
        addAccessLog(p);
        p.addLast(HEADER_TIMEOUT, headers);
        p.addLast(CHECK, new RequestCheck());
        p.addLast(STALLED, new StalledReaderTimeout(limits.sendTimeout(), context.metrics().stalledReadersCut));
        p.addLast(IDLE, new IdleStateHandler(limits.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
        p.addLast(COUNTER, counter);
        p.addLast(TIMER, new RequestTimer(context.metrics().httpDurations));
        p.addLast(COMPRESS, new ListingCompressor());
        p.addLast(CHUNKED, new ChunkedWriteHandler());
        p.addLast(HANDLER, new DfsHttpHandler(context));
    }

    private void addAccessLog(ChannelPipeline p) {
        if (accessLog.enabled()) {
            p.addLast(ACCESS_LOG, new AccessLogHandler(accessLog));
        }
    }
}
