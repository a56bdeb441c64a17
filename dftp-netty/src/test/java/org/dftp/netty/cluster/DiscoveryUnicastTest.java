package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.dftp.core.wire.DiscoveryPing;
import org.dftp.core.wire.Wire;
import org.dftp.netty.HostPort;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The discovery socket takes datagrams sent to the group only. Bound to the wildcard address it also took
 * unicast ones, so anyone who could reach the port fed it forged pings (1,500 of them grew the peer table
 * to 1,757). Needs no multicast: the forged ping is unicast to loopback, where it must not arrive.
 */
@ExtendWith(NettyLeaks.class)
class DiscoveryUnicastTest {
    @Test
    void aUnicastPingToTheDiscoveryPortIsNotTaken() throws Exception {
        int port = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
        HostPort group = HostPort.parse("239.255.71.41:" + port);
        List<String> heard = new CopyOnWriteArrayList<>();
        try (MulticastDiscovery d = MulticastDiscovery.start(group, "dftp", "ga", HostPort.parse(":7041"),
                Duration.ofHours(1), (name, mgmt) -> heard.add(name + " " + mgmt));
             DatagramSocket attacker = new DatagramSocket()) {
            byte[] forged = Wire.MAPPER.writeValueAsBytes(DiscoveryPing.ping("dftp", "forged", "127.0.0.1:9"));
            for (int i = 0; i < 20; i++) {
                attacker.send(new DatagramPacket(forged, forged.length, InetAddress.getLoopbackAddress(), port));
            }
            Thread.sleep(500); // a datagram that arrives is handled within milliseconds
            assertEquals(List.of(), heard, "a unicast datagram reached the ping handler");
        }
    }
}
