package org.dftp.netty.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The server HTTP/1 codec of every dftp port (public HTTP(S), the HTTPS redirect, management): Netty's
 * {@code HttpServerCodec} less obsolete line folding. Netty joins a header line that begins with a space or a
 * tab to the line before (RFC 9112 5.2 allows it); nginx answers {@code 400}, and so does dftp: two parsers
 * that disagree on a fold disagree on the headers. A fold in a request's headers or in the trailers after its
 * last chunk makes the decoder hand on a failed {@link DecoderResult} (the handlers answer {@code 400} and
 * close, as for any malformed request) and drop every byte after it, so nothing pipelined behind is decoded.
 *
 * <p>The decoder stays Netty's: this only follows the bytes Netty consumed, with the framing Netty found,
 * and looks at the first byte of each header and trailer line. {@code HttpServerCodec} is final, so the
 * little it adds to the decoder and encoder (bodiless answers to {@code HEAD} and {@code CONNECT}) is
 * repeated here. One instance per connection; the connection's event loop calls it.
 */
public final class ObsFoldRefusingCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
    static final String REFUSAL = "obsolete line folding: a header line begins with a space or a tab";

    /** Methods of the requests whose responses are still to be encoded, oldest first. */
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
    private boolean closeAfterResponse;

    public ObsFoldRefusingCodec(HttpDecoderConfig config) {
        init(new Decoder(config), new Encoder());
    }

    /** Where the consumed bytes stand. */
    private enum At { BEFORE_REQUEST, REQUEST_LINE, LINE_START, IN_LINE, SECTION_END, FIXED_BODY,
        CHUNK_SIZE, CHUNK_DATA, CHUNK_END, REFUSED }

    private final class Decoder extends HttpRequestDecoder {
        private At at = At.BEFORE_REQUEST;
        /** A request was handed on and its last content not yet: a fold now is in its trailers. */
        private boolean inBody;
        private long chunkLeft;
        private boolean chunkExtension;

        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            if (at == At.REFUSED) {
                in.skipBytes(in.readableBytes());
                return;
            }
            int from = in.readerIndex();
            int before = out.size();
            super.decode(ctx, in, out);
            boolean nettyRefused = false;
            for (int i = before; i < out.size(); i++) {
                nettyRefused |= out.get(i) instanceof HttpObject h && h.decoderResult().isFailure();
            }
            // Netty consumes one section a call (headers, body pieces, trailers), so these bytes are all of
            // the kind `at` says; it already checked them, this only looks for folds.
            if (!nettyRefused && folded(in, from, in.readerIndex())) {
                refuse(in, out, before);
            }
            for (int i = before; i < out.size(); i++) {
                Object o = out.get(i);
                if (o instanceof HttpRequest r) {
                    methods.add(r.method());
                    inBody = true;
                    at = HttpUtil.isTransferEncodingChunked(r) ? At.CHUNK_SIZE : At.FIXED_BODY;
                    chunkLeft = 0;
                    chunkExtension = false;
                }
                if (o instanceof LastHttpContent) {
                    inBody = false;
                    at = At.BEFORE_REQUEST;
                }
                if (o instanceof HttpObject h && h.decoderResult().isFailure()) {
                    at = At.REFUSED; // Netty discards the rest too; nothing more to follow
                }
            }
        }

        @Override
        protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            if (at == At.REFUSED) {
                in.skipBytes(in.readableBytes()); // and no "closed before the headers" after our refusal
                return;
            }
            super.decodeLast(ctx, in, out);
        }

        /** Whether bytes {@code [from, to)} of {@code in} fold a line; moves {@link #at} along them. */
        private boolean folded(ByteBuf in, int from, int to) {
            for (int i = from; i < to; i++) {
                byte b = in.getByte(i);
                switch (at) {
                    case BEFORE_REQUEST -> { // Netty skips control characters and spaces before a request
                        if (b > ' ' && b != 0x7f) {
                            at = At.REQUEST_LINE;
                        }
                    }
                    case REQUEST_LINE, IN_LINE -> {
                        if (b == '\n') {
                            at = At.LINE_START;
                        }
                    }
                    case LINE_START -> {
                        if (b == ' ' || b == '\t') {
                            return true;
                        }
                        if (b == '\n') {
                            at = At.SECTION_END;
                        } else if (b != '\r') {
                            at = At.IN_LINE;
                        }
                    }
                    case CHUNK_SIZE -> {
                        int digit = Character.digit(b, 16);
                        if (b == '\n') {
                            at = chunkLeft == 0 ? At.LINE_START : At.CHUNK_DATA; // size 0: the trailers
                        } else if (digit >= 0 && !chunkExtension) {
                            chunkLeft = chunkLeft * 16 + digit;
                        } else {
                            chunkExtension = true;
                        }
                    }
                    case CHUNK_DATA -> {
                        long n = Math.min(chunkLeft, to - i);
                        chunkLeft -= n;
                        i += (int) n - 1;
                        if (chunkLeft == 0) {
                            at = At.CHUNK_END;
                        }
                    }
                    case CHUNK_END -> {
                        if (b == '\n') {
                            at = At.CHUNK_SIZE;
                            chunkExtension = false;
                        }
                    }
                    default -> { // FIXED_BODY, SECTION_END: nothing to look at
                        return false;
                    }
                }
            }
            return false;
        }

        /** Hands on a failed request (or, in trailers, a failed last content) instead of what was decoded. */
        private void refuse(ByteBuf in, List<Object> out, int before) {
            while (out.size() > before) {
                ReferenceCountUtil.release(out.remove(out.size() - 1));
            }
            in.skipBytes(in.readableBytes());
            HttpObject failed = inBody ? new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER) : createInvalidMessage();
            failed.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(REFUSAL)));
            out.add(failed);
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            super.handleTransferEncodingChunkedWithContentLength(message);
            closeAfterResponse = true; // RFC 9112 6.1, as HttpServerCodec
        }
    }

    private final class Encoder extends HttpResponseEncoder {
        private HttpMethod method;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (closeAfterResponse && msg instanceof LastHttpContent) {
                closeAfterResponse = false;
                promise = promise.unvoid().addListener(ChannelFutureListener.CLOSE);
            }
            super.write(ctx, msg, promise);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg); // a 100 Continue answers no request by itself
            }
            method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method)
                    && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // RFC 9112 6.1: a tunnel has no framing
                return;
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }
    }
}
