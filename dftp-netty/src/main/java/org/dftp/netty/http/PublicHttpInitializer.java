package org.dftp.netty.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.dftp.netty.tls.ServerTls;

/**
 * Builds the public HTTP pipeline and nothing else. In order:
 * <ol>
 *   <li>{@value #TLS}, with {@code -tls-cert}: the server side of TLS ({@link ServerTls}), whose presence
 *       makes files go out as chunks instead of {@code sendfile} ({@link FileResponder});</li>
 *   <li>{@value #CODEC}: HTTP/1.1 with limits on the request line ({@code 414}) and headers ({@code 431});</li>
 *   <li>{@value #IDLE}: signals {@link #IDLE_SECONDS} s without a request; the handler closes the connection
 *       unless a response is still going out (watching reads only spares a listener on every write);</li>
 *   <li>{@value #COUNTER}: counts responses by status;</li>
 *   <li>{@value #CHUNKED}: pulls streamed bodies as the socket drains;</li>
 *   <li>{@value #HANDLER}: {@link DfsHttpHandler}.</li>
 * </ol>
 * It takes any {@link Channel}, so tests run this very pipeline on an {@code EmbeddedChannel}.
 */
public final class PublicHttpInitializer extends ChannelInitializer<Channel> {
    public static final String TLS = "tls";
    public static final String CODEC = "http-codec";
    public static final String IDLE = "idle";
    public static final String COUNTER = "response-counter";
    public static final String CHUNKED = "chunked-writer";
    public static final String HANDLER = "dfs-http";

    /** Longest request line, as nginx's default large_client_header_buffers. */
    public static final int MAX_INITIAL_LINE = 8192;
    /** Largest header block. */
    public static final int MAX_HEADER_SIZE = 16 * 1024;
    public static final int IDLE_SECONDS = 75;

    private final DfsHttpContext context;
    private final ResponseCounter counter;
    private final ServerTls tls;

    public PublicHttpInitializer(DfsHttpContext context) {
        this(context, null);
    }

    /** @param tls the certificate to speak HTTPS with, or null for plain HTTP */
    public PublicHttpInitializer(DfsHttpContext context, ServerTls tls) {
        this.context = context;
        this.counter = new ResponseCounter(context.metrics());
        this.tls = tls;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast(TLS, tls.handler(ch.alloc()));
        }
        p.addLast(CODEC, new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)));
        p.addLast(IDLE, new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS));
        p.addLast(COUNTER, counter);
        p.addLast(CHUNKED, new ChunkedWriteHandler());
        p.addLast(HANDLER, new DfsHttpHandler(context));
    }
}
