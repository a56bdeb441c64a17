package org.dftp.netty.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.ChannelHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code -http-redirect-listen}: every request to the same path over HTTPS, and nothing else. */
@ExtendWith(NettyLeaks.class)
class HttpsRedirectTest {

    private static final NodeConfig.Limits LIMITS = new NodeConfig.Limits(Duration.ofSeconds(10),
            Duration.ofSeconds(75), Duration.ofSeconds(60), 2, Duration.ofSeconds(30), 16, 1000);

    private static String answer(int httpsPort, String request) {
        EmbeddedChannel ch = new EmbeddedChannel(HttpsRedirect.initializer(httpsPort, LIMITS, new NodeMetrics()));
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        String out = output(ch);
        assertFalse(ch.isOpen(), "the redirecting connection closes after its answer");
        ch.finishAndReleaseAll();
        return out;
    }

    private static String output(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    private static EmbeddedChannel from(String host, ChannelHandler initializer) throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(host), 40000);
        return new EmbeddedChannel(initializer) {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
    }

    /** The port has the public port's limits: a client could otherwise hold the node's descriptors here. */
    @Test
    void aSlowlorisIsCutByTheHeaderTimeoutAndOneAddressHoldsOnlyItsShare() throws Exception {
        NodeMetrics metrics = new NodeMetrics();
        ChannelHandler init = HttpsRedirect.initializer(7443, LIMITS, metrics);
        EmbeddedChannel slow = from("192.0.2.1", init);
        slow.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: a\r\n", StandardCharsets.ISO_8859_1));
        int lines = 0;
        while (slow.isOpen() && lines < 10) { // a header line every 3 s: never idle, never done
            slow.writeInbound(Unpooled.copiedBuffer("X-" + lines++ + ": y\r\n", StandardCharsets.ISO_8859_1));
            slow.advanceTimeBy(3, TimeUnit.SECONDS);
            slow.runScheduledPendingTasks();
        }
        assertEquals(4, lines, "cut after the 10 s header timeout, at the fourth line's 3 s");
        String cut = output(slow);
        assertTrue(cut.startsWith("HTTP/1.1 408 Request Timeout"), cut);
        assertFalse(slow.isOpen());
        assertEquals(1, metrics.headerTimeouts.sum());

        EmbeddedChannel a1 = from("192.0.2.2", init);
        EmbeddedChannel a2 = from("192.0.2.2", init);
        EmbeddedChannel a3 = from("192.0.2.2", init);
        assertTrue(a1.isOpen() && a2.isOpen());
        assertTrue(output(a3).startsWith("HTTP/1.1 503 "));
        assertFalse(a3.isOpen());
        assertEquals(1, metrics.connectionsRefusedPerAddress.sum());
        for (EmbeddedChannel c : new EmbeddedChannel[] {slow, a1, a2, a3}) {
            c.finishAndReleaseAll();
        }
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

    @Test
    void aFoldedHeaderIs400AndNothingBehindItIsRedirected() {
        // obs-fold (RFC 9112 5.2), refused as on the public port
        String res = answer(7443, "GET /fs/a HTTP/1.1\r\nHost: files.example\r\nX-Note: a\r\n b\r\n\r\n"
                + "GET /fs/b HTTP/1.1\r\nHost: files.example\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", res.lines().findFirst().orElseThrow(), res);
        assertFalse(res.contains("/fs/b"), res);
        assertFalse(res.contains("308"), res);
    }
}
