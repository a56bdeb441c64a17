package org.dftp.netty.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code -http-redirect-listen}: every request to the same path over HTTPS, and nothing else. */
@ExtendWith(NettyLeaks.class)
class HttpsRedirectTest {

    private static String answer(int httpsPort, String request) {
        EmbeddedChannel ch = new EmbeddedChannel(HttpsRedirect.initializer(httpsPort));
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        assertFalse(ch.isOpen(), "the redirecting connection closes after its answer");
        ch.finishAndReleaseAll();
        return out.toString();
    }

    @Test
    void aRequestIsSentToTheSamePathOverHttpsWithA308() {
        String res = answer(7443, "PUT /fs/a%20b?format=json HTTP/1.1\r\nHost: files.example:7040\r\nContent-Length: 0\r\n\r\n");
        assertEquals("HTTP/1.1 308 Permanent Redirect", res.lines().findFirst().orElseThrow());
        assertEquals("location: https://files.example:7443/fs/a%20b?format=json",
                res.lines().filter(l -> l.startsWith("location:")).findFirst().orElseThrow());
        String def = answer(443, "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n");
        assertEquals("location: https://[::1]/",
                def.lines().filter(l -> l.startsWith("location:")).findFirst().orElseThrow());
    }

    @Test
    void aHostThatCouldInjectIntoLocationIsRefused() {
        assertNull(HttpsRedirect.hostOnly("evil.example/x"));
        assertNull(HttpsRedirect.hostOnly("a\"b"));
        assertNull(HttpsRedirect.hostOnly(""));
        String res = answer(7443, "GET /fs/ HTTP/1.1\r\nHost: evil.example@x\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", res.lines().findFirst().orElseThrow());
    }
}
