package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;

/**
 * The greeting flow against a caller on the same network, without a cluster secret: each test is a finding
 * that was reproduced against the node before {@link PeerAdmission} and the live-peer rule of
 * {@link Membership}.
 */
@ExtendWith(NettyLeaks.class)
class HostilePeersTest {
    private TestNode a;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        a = TestNode.start("node-a", 7040);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        a.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void joinNeverReachesLinkLocalMetadataMulticastOrThisNodeItself() throws Exception {
        for (String peer : List.of("169.254.169.254:80", "[fe80::1]:80", "100.100.100.200:80", "224.0.0.9:7041",
                "255.255.255.255:80", "127.0.0.1:" + a.cluster.mgmtPort(), ":" + a.cluster.mgmtPort())) {
            HttpResponse<String> r = a.form("/join/", "peer=" + enc(peer));
            assertEquals(400, r.statusCode(), peer + ": " + r.body());
            assertTrue(r.body().contains("this node does not connect there"), r.body());
        }
        assertTrue(a.store.snapshot().peers().isEmpty());
    }

    @Test
    void aGreetingGivingSuchAnAddressIsRefused() throws Exception {
        HttpResponse<String> r = a.form("/cluster/", "name=evil&public-addr=" + enc("169.254.169.254:80")
                + "&mgmt-addr=" + enc("127.0.0.1:9"));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("public-addr 169.254.169.254:80 is link-local"), r.body());
        r = a.form("/cluster/", "name=evil&public-addr=" + enc("127.0.0.1:9") + "&mgmt-addr="
                + enc("127.0.0.1:" + a.cluster.mgmtPort()));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(a.store.snapshot().peers().isEmpty());
    }

    @Test
    void thePeerTableIsBounded() throws Exception {
        TestNode small = TestNode.start("small", 7040, new NodeConfig.Peers(3, 16, Duration.ofMinutes(5)));
        closing.add(small);
        int taken = 0;
        int refused = 0;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = small.form("/cluster/", "name=p" + i + "&public-addr=" + enc("127.0.0.1:" + (20_000 + i))
                    + "&mgmt-addr=" + enc("127.0.0.1:" + (21_000 + i)));
            if (r.statusCode() == 200) {
                taken++;
            } else {
                assertEquals(503, r.statusCode(), r.body());
                assertTrue(r.body().contains("-max-peers"), r.body());
                refused++;
            }
        }
        assertEquals(3, taken);
        assertEquals(7, refused);
        assertEquals(3, small.store.snapshot().peers().size());
    }

    @Test
    void aLivePeerIsNotMovedByAGreetingFromElsewhereAndADeadOneIs() throws Exception {
        TestNode b = TestNode.start("node-b", 7050);
        assertEquals(200, a.form("/join/", "peer=" + enc(b.mgmt().toString())).statusCode());
        TestNode.await("a knows b", () -> a.store.snapshot().peer("node-b") != null);
        String bMgmt = b.mgmt().toString();
        String bPublic = a.store.snapshot().peer("node-b").publicAddr();

        // A new management address, and then only a new public one: both would take b's traffic.
        assertEquals(200, a.form("/cluster/", "name=node-b&public-addr=" + enc("127.0.0.1:6666")
                + "&mgmt-addr=" + enc("127.0.0.1:6667")).statusCode());
        assertEquals(200, a.form("/cluster/", "name=node-b&public-addr=" + enc("127.0.0.1:6666")
                + "&mgmt-addr=" + enc(bMgmt)).statusCode());
        assertEquals(bMgmt, a.store.snapshot().peer("node-b").mgmtAddr());
        assertEquals(bPublic, a.store.snapshot().peer("node-b").publicAddr());

        b.close(); // b moves: its old address no longer answers, so its greeting from the new one is believed
        assertEquals(200, a.form("/cluster/", "name=node-b&public-addr=" + enc("127.0.0.1:6666")
                + "&mgmt-addr=" + enc("127.0.0.1:6667")).statusCode());
        assertEquals("127.0.0.1:6667", a.store.snapshot().peer("node-b").mgmtAddr());
    }

    @Test
    void atMostMaxPendingGreetingsOfStrangersAreUnderWay() throws Exception {
        TestNode small = TestNode.start("small", 7040, new NodeConfig.Peers(256, 2, Duration.ofMinutes(5)));
        closing.add(small);
        // Listeners that accept and never answer: each greeting stays under way until its timeout.
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        List<ServerSocket> silent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            silent.add(s);
            closing.add(s);
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(s.accept());
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            t.setDaemon(true);
            t.start();
        }
        List<Disposable> running = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            running.add(small.cluster.membership().greet(new HostPort("127.0.0.1", silent.get(i).getLocalPort()), true)
                    .subscribe(x -> { }, e -> { }));
        }
        TestNode.await("two greetings connected", () -> accepted.size() == 2);
        Throwable third = assertThrows(RuntimeException.class, () -> small.cluster.membership()
                .greet(new HostPort("127.0.0.1", silent.get(2).getLocalPort()), true).block(Duration.ofSeconds(5)));
        PeerAdmission.Refused refused = assertInstanceOf(PeerAdmission.Refused.class, third);
        assertTrue(refused.getMessage().contains("-max-pending-greetings"), refused.getMessage());
        Thread.sleep(200);
        assertEquals(2, accepted.size(), "the third address was never connected to");
        running.forEach(Disposable::dispose);
        for (Socket s : accepted) {
            s.close();
        }
    }
}
