package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The codec encodes answers as Netty's {@code HttpServerCodec} does, besides refusing folds. */
class ObsFoldRefusingCodecTest {

    /**
     * A {@code 100 Continue} answers no request by itself: the final answer after it is the one that pairs
     * with the request, so the {@code HEAD} pipelined behind still gets an answer without a body.
     */
    @Test
    void aContinueDoesNotTakeTheMethodOfTheRequestBehind() {
        EmbeddedChannel ch = new EmbeddedChannel(new ObsFoldRefusingCodec(new HttpDecoderConfig()));
        ch.writeInbound(Unpooled.copiedBuffer("PUT /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                + "Content-Length: 0\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        for (Object in; (in = ch.readInbound()) != null; ) {
            assertTrue(((HttpObject) in).decoderResult().isSuccess());
            ReferenceCountUtil.release(in);
        }
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                Unpooled.EMPTY_BUFFER));
        DefaultFullHttpResponse created = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.CREATED, Unpooled.EMPTY_BUFFER);
        created.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        ch.writeOutbound(created);
        drain(ch);
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ch.writeOutbound(head, LastHttpContent.EMPTY_LAST_CONTENT);
        String answer = drain(ch);
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\n") && !answer.contains("\r\n0\r\n"),
                "a HEAD answer has no body, not even the last chunk: " + answer);
        assertEquals(false, ch.finish());
    }

    private static String drain(EmbeddedChannel ch) {
        StringBuilder b = new StringBuilder();
        for (ByteBuf out; (out = ch.readOutbound()) != null; ) {
            b.append(out.toString(StandardCharsets.US_ASCII));
            out.release();
        }
        return b.toString();
    }
}
