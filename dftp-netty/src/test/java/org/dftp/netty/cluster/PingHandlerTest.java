package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.wire.GoCaptures;
import org.junit.jupiter.api.Test;

/** The discovery socket's handler on an {@link EmbeddedChannel}: what it accepts, and that every datagram is released. */
class PingHandlerTest {
    private static final InetSocketAddress GROUP = new InetSocketAddress("224.0.0.9", 7041);

    private static DatagramPacket datagram(byte[] bytes, String fromIp) {
        return new DatagramPacket(Unpooled.wrappedBuffer(bytes), GROUP, new InetSocketAddress(fromIp, 40000));
    }

    private static DatagramPacket datagram(String text, String fromIp) {
        return datagram(text.getBytes(StandardCharsets.UTF_8), fromIp);
    }

    @Test
    void pingsOfOurClusterFromOthersAreHandedOnOthersAreDroppedAndAllAreReleased() {
        List<String> found = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(
                new MulticastDiscovery.PingHandler("dftp", "me", (name, mgmt) -> found.add(name + "@" + mgmt)));
        List<DatagramPacket> sent = List.of(
                datagram(GoCaptures.bytes("discovery-ping.json"), "10.0.0.7"),
                datagram("{\"Type\":\"ping\",\"ClusterName\":\"dftp\",\"NodeName\":\"me\",\"MgmtAddr\":\":7041\"}", "10.0.0.1"),
                datagram("{\"Type\":\"ping\",\"ClusterName\":\"other\",\"NodeName\":\"x\",\"MgmtAddr\":\":7041\"}", "10.0.0.2"),
                datagram("{\"Type\":\"pong\",\"ClusterName\":\"dftp\",\"NodeName\":\"x\",\"MgmtAddr\":\":7041\"}", "10.0.0.3"),
                datagram("{\"Type\":\"ping\",\"ClusterName\":\"dftp\",\"NodeName\":\"x\",\"MgmtAddr\":\"nope\"}", "10.0.0.3"),
                datagram("{\"Type\":\"ping\",\"ClusterName\":\"dftp\",\"NodeName\":\"\",\"MgmtAddr\":\":1\"}", "10.0.0.3"),
                datagram("not json at all", "10.0.0.4"),
                datagram(new byte[] {(byte) 0xff, (byte) 0xfe, 0}, "10.0.0.4"),
                datagram("[" + "[".repeat(5000), "10.0.0.4"),
                datagram(new byte[MulticastDiscovery.MAX_PING + 1], "10.0.0.4"),
                datagram("{\"Type\":\"ping\",\"ClusterName\":\"dftp\",\"NodeName\":\"gd\",\"MgmtAddr\":\"10.9.9.9:7041\"}", "10.0.0.5"));
        for (DatagramPacket p : sent) {
            ch.writeInbound(p);
        }
        assertEquals(List.of("gmc@10.0.0.7:7081", "gd@10.9.9.9:7041"), found);
        for (DatagramPacket p : sent) {
            ByteBuf content = p.content();
            assertEquals(0, content.refCnt(), "every datagram is released");
        }
        assertFalse(ch.finish());
    }

    @Test
    void withASecretOnlyFreshPingsSignedWithItAreHandedOn() throws Exception {
        java.time.Clock clock = java.time.Clock.systemUTC();
        ClusterSigning ours = new ClusterSigning(org.dftp.core.auth.ClusterKey.of("the secret of this cluster"), clock);
        ClusterSigning theirs = new ClusterSigning(org.dftp.core.auth.ClusterKey.of("the secret of another one"), clock);
        org.dftp.netty.NodeMetrics metrics = new org.dftp.netty.NodeMetrics();
        List<String> found = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new MulticastDiscovery.PingHandler("dftp", "me",
                (name, mgmt) -> found.add(name), new ClusterSigning(
                        org.dftp.core.auth.ClusterKey.of("the secret of this cluster"), clock), metrics));
        byte[] signed = org.dftp.core.wire.Wire.MAPPER.writeValueAsBytes(
                ours.signPing(org.dftp.core.wire.DiscoveryPing.ping("dftp", "good", ":7041")));
        ch.writeInbound(datagram(GoCaptures.bytes("discovery-ping.json"), "10.0.0.7")); // the original's: unsigned
        ch.writeInbound(datagram(org.dftp.core.wire.Wire.MAPPER.writeValueAsBytes(
                theirs.signPing(org.dftp.core.wire.DiscoveryPing.ping("dftp", "other", ":7041"))), "10.0.0.8"));
        ch.writeInbound(datagram(signed, "10.0.0.9"));
        ch.writeInbound(datagram(signed, "10.0.0.9")); // replayed
        assertEquals(List.of("good"), found);
        assertEquals(3, metrics.requestsRefusedUnsigned.sum());
        assertFalse(ch.finish());
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheChannel() {
        EmbeddedChannel ch = new EmbeddedChannel(new MulticastDiscovery.PingHandler("dftp", "me", (n, m) -> {
            throw new IllegalStateException("boom");
        }));
        DatagramPacket p = datagram(GoCaptures.bytes("discovery-ping.json"), "10.0.0.7");
        ch.writeInbound(p);
        assertEquals(0, p.content().refCnt());
        assertFalse(ch.finish());
    }
}
