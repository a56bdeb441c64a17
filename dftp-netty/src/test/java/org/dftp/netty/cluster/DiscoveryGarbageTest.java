package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.dftp.core.wire.DiscoveryPing;
import org.dftp.core.wire.GoCaptures;
import org.dftp.core.wire.Wire;

/**
 * Multicast garbage (the hostile-input suite, docs/RELIABILITY.md): random, mutated and JSON-like datagrams to
 * the discovery handler never throw out of it, never add a peer unless the datagram is a well-formed ping of
 * this cluster from another node, and every {@link DatagramPacket} is released. {@code PingHandlerTest} has
 * the fixed cases; this one throws thousands of generated ones at it.
 */
class DiscoveryGarbageTest {
    private static final InetSocketAddress GROUP = new InetSocketAddress("224.0.0.9", 7041);
    private static final byte[] PING = GoCaptures.bytes("discovery-ping.json");

    @Property
    void randomBytes(@ForAll @Size(max = 5000) byte[] bytes) throws Exception {
        assertHarmless(bytes);
    }

    @Provide
    Arbitrary<byte[]> mutatedPings() {
        return Arbitraries.longs().map(seed -> {
            Random rnd = new Random(seed);
            byte[] b = PING.clone();
            int n = 1 + rnd.nextInt(4);
            for (int k = 0; k < n; k++) {
                int at = rnd.nextInt(b.length);
                switch (rnd.nextInt(3)) {
                    case 0 -> b[at] = (byte) rnd.nextInt(256);
                    case 1 -> b = java.util.Arrays.copyOf(b, at);
                    default -> {
                        byte[] c = new byte[b.length + 1];
                        System.arraycopy(b, 0, c, 0, at);
                        String hostile = "{}[]\":,\\\u0000";
                        c[at] = (byte) hostile.charAt(rnd.nextInt(hostile.length()));
                        System.arraycopy(b, at, c, at + 1, b.length - at);
                        b = c;
                    }
                }
                if (b.length == 0) {
                    break;
                }
            }
            return b;
        });
    }

    @Property
    void mutatedPings(@ForAll("mutatedPings") byte[] bytes) throws Exception {
        assertHarmless(bytes);
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> token = Arbitraries.oneOf(
                Arbitraries.of("{", "}", "[", "]", ",", ":", "\"Type\"", "\"ping\"", "\"pong\"", "\"ClusterName\"",
                        "\"dftp\"", "\"other\"", "\"NodeName\"", "\"me\"", "\"gx\"", "\"\"", "\"MgmtAddr\"", "\":7041\"",
                        "\"169.254.169.254:80\"", "\"[::1]:1\"", "\":0\"", "\":99999\"", "\"Sig\"", "null", "true", "1",
                        "1e999", "\"\\u0000\"", "\"\\ud800\"", "\"(multiple)\"", "\"a\\nb\""),
                Arbitraries.strings().ofMaxLength(3));
        return token.list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Property
    void jsonLikeText(@ForAll("jsonish") String text) throws Exception {
        assertHarmless(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertHarmless(byte[] bytes) throws Exception {
        List<String> found = new ArrayList<>();
        MulticastDiscovery.PingHandler handler = new MulticastDiscovery.PingHandler("dftp", "me",
                (name, mgmt) -> found.add(name));
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        ChannelHandlerContext ctx = ch.pipeline().context(handler);
        DatagramPacket packet = new DatagramPacket(
                // a buffer of its own even when empty (Unpooled.EMPTY_BUFFER is never released)
                Unpooled.buffer(Math.max(1, bytes.length)).writeBytes(bytes), GROUP,
                new InetSocketAddress("10.0.0.4", 40000));
        handler.channelRead(ctx, packet); // straight in: whatever it threw would reach this test
        assertEquals(0, packet.content().refCnt(), "the datagram is released");
        assertTrue(found.isEmpty() || wellFormedPingOfThisCluster(bytes),
                () -> "a peer from " + new String(bytes, StandardCharsets.UTF_8));
        ch.checkException();
        ch.finishAndReleaseAll();
    }

    private static boolean wellFormedPingOfThisCluster(byte[] bytes) {
        try {
            DiscoveryPing p = Wire.MAPPER.readValue(bytes, DiscoveryPing.class);
            return bytes.length <= MulticastDiscovery.MAX_PING && "ping".equals(p.type()) && "dftp".equals(p.clusterName())
                    && p.nodeName() != null && !p.nodeName().isEmpty() && !p.nodeName().equals("me");
        } catch (Exception e) {
            return false;
        }
    }
}
