package org.dftp.netty.cluster;

import org.dftp.core.tree.Offer;

import org.dftp.core.tree.Change;

import org.dftp.core.cluster.Event;

import org.dftp.core.DfsPath;

import java.util.List;

import java.util.ArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.wire.ClusterInfo;
import org.dftp.core.wire.GoCaptures;
import org.dftp.core.wire.NodeInfo;
import org.dftp.core.wire.Wire;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.proxy.PeerAddresses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The management API of docs/PROTOCOL.md against real servers on loopback: two nodes in this JVM. */
class ManagementServerTest {
    private static final String FORM = "application/x-www-form-urlencoded";
    private TestNode a;
    private TestNode b;

    @BeforeEach
    void start() throws Exception {
        a = TestNode.start("node-a", 7040);
        b = TestNode.start("node-b", 7050);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private static void assertText(int status, String text, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(text + "\n", r.body());
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
    }

    @Test
    void getClusterIsOneLineOfJsonShapedLikeTheCapture() throws Exception {
        a.form("/cluster/", "name=gb&public-addr=:7050&mgmt-addr=:7051");
        HttpResponse<String> r = a.get("/cluster/");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().endsWith("}\n") && r.body().indexOf('\n') == r.body().length() - 1, r.body());
        JsonNode ours = Wire.MAPPER.readTree(r.body());
        GoCaptures.assertSameShape(Wire.MAPPER.readTree(GoCaptures.bytes("cluster-info.json")), ours, "$");
        assertEquals("dftp", ours.get("Name").asText());
        assertEquals("node-a", ours.get("Me").get("Name").asText());
        assertEquals("127.0.0.1:7040", ours.get("Me").get("PublicAddr").asText());
        assertEquals(a.mgmt().toString(), ours.get("Me").get("MgmtAddr").asText());
        assertTrue(ours.get("Me").get("LastAlive").asLong() > 0);
        // the store knows them too (SelfAddresses), for everything else that reads the snapshot
        assertEquals(a.mgmt().toString(), a.store.snapshot().self().mgmtAddr());
        assertEquals("127.0.0.1:7040", a.store.snapshot().self().publicAddr());
    }

    @Test
    void theCapturedClusterInfoParses() throws Exception {
        ClusterInfo info = Wire.MAPPER.readValue(GoCaptures.bytes("cluster-info.json"), ClusterInfo.class);
        assertEquals("gb", info.me().name());
        NodeInfo ga = info.peers().get("ga");
        assertEquals(new NodeInfo("ga", "127.0.0.1:7040", "127.0.0.1:7041", 1795512982, 1795512982, 1795512981,
                1795512981), ga);
    }

    @Test
    void aGreetingWithPortOnlyAddressesRecordsTheCallerAtItsIp() throws Exception {
        HttpResponse<String> r = a.form("/cluster/", "name=gx&public-addr=%3A7060&mgmt-addr=%3A7061");
        assertEquals(200, r.statusCode());
        NodeInfo gx = a.store.snapshot().peer("gx");
        assertEquals("127.0.0.1:7060", gx.publicAddr());
        assertEquals("127.0.0.1:7061", gx.mgmtAddr());
        assertTrue(gx.lastAlive() > 0);
        ClusterInfo answer = Wire.MAPPER.readValue(r.body(), ClusterInfo.class);
        assertEquals("127.0.0.1:7061", answer.peers().get("gx").mgmtAddr());
        PeerAddresses proxyView = new PeerAddresses(a.store::snapshot);
        assertEquals(HostPort.parse("127.0.0.1:7060"), proxyView.publicAddress("gx"));
        assertNull(proxyView.publicAddress("nobody"));
    }

    @Test
    void greetingErrorsAreTheOriginalsTexts() throws Exception {
        assertText(400, "name, public-addr and mgmt-addr are required parameters",
                a.form("/cluster/", "name=x&public-addr=:1"));
        assertText(400, "name, public-addr and mgmt-addr are required parameters", a.post("/cluster/", null, ""));
        HttpResponse<String> bad = a.form("/cluster/", "name=x&public-addr=nope&mgmt-addr=:1");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().startsWith("invalid public-addr"), bad.body());
        assertEquals(400, a.form("/cluster/", "name=%28multiple%29&public-addr=:1&mgmt-addr=:2").statusCode());
        assertEquals(400, a.form("/cluster/", "name=%zz").statusCode());
        assertTrue(a.store.snapshot().peers().isEmpty(), "nothing recorded from bad greetings");
    }

    @Test
    void aGreetingClaimingOurNameIsIgnored() throws Exception {
        HttpResponse<String> r = a.form("/cluster/", "name=node-a&public-addr=:1&mgmt-addr=:2&request-full-update=true");
        assertEquals(200, r.statusCode());
        assertTrue(a.store.snapshot().peers().isEmpty());
    }

    @Test
    void getIsAListingToo() throws Exception {
        assertEquals(200, a.get("/cluster/anything").statusCode());
        HttpResponse<String> redirect = a.get("/cluster");
        assertEquals(301, redirect.statusCode());
        assertEquals("/cluster/", redirect.headers().firstValue("location").orElse(""));
        HttpResponse<String> index = a.get("/");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().startsWith("Hi!\n* GET /cluster/"), index.body());
        assertTrue(index.body().contains("* GET /healthz") && index.body().contains("* GET /metrics"), index.body());
        HttpResponse<String> elsewhere = a.get("/nothing-here");
        assertEquals(404, elsewhere.statusCode());
        assertEquals(index.body(), elsewhere.body(), "the original's answer to any other path");
    }

    @Test
    void joinErrorsAreTheOriginalsTexts() throws Exception {
        assertText(405, "Use POST /join/?peer=ip:port", a.get("/join/"));
        assertText(400, "Specify at least one 'peer'", a.form("/join/", ""));
        assertText(400, "Specify at least one 'peer'", a.form("/join/", "peer="));
        assertEquals(400, a.form("/join/", "peer=nohost").statusCode());
    }

    @Test
    void joinExchangesFullUpdatesBothWaysAndOverlapsResolveTheSameEverywhere() throws Exception {
        a.scanned(100, "a.txt", "shared/x.bin", "both.txt");
        b.scanned(200, "b.txt", "shared/y.bin", "both.txt");

        HttpResponse<String> r = a.form("/join/", "peer=" + b.mgmt());
        assertEquals(200, r.statusCode());
        ClusterInfo answer = Wire.MAPPER.readValue(r.body(), ClusterInfo.class);
        assertNotNull(answer.peers().get("node-b"), "the join answer lists the peer it greeted");

        TestNode.await("each has the other's files", () -> "node-b".equals(a.ownerOf("b.txt"))
                && "node-a".equals(b.ownerOf("a.txt")) && "node-b".equals(a.ownerOf("shared/y.bin"))
                && "node-a".equals(b.ownerOf("shared/x.bin")));
        // the more recent announcement wins on both nodes
        assertEquals("node-b", a.ownerOf("both.txt"));
        assertEquals("node-b", b.ownerOf("both.txt"));
        assertEquals(DfsNode.MULTIPLE_OWNERS, a.ownerOf("shared"));
        assertEquals(6, a.store.snapshot().tree().size());
        assertEquals(6, b.store.snapshot().tree().size());

        NodeInfo bAtA = a.store.snapshot().peer("node-b");
        assertEquals(b.mgmt().toString(), bAtA.mgmtAddr());
        assertEquals("127.0.0.1:7050", bAtA.publicAddr());
        TestNode.await("pushes recorded", () -> a.store.snapshot().peer("node-b").lastUpdatePushed() > 0
                && b.store.snapshot().peer("node-a").lastUpdatePushed() > 0
                && a.store.snapshot().peer("node-b").lastFullUpdateReceived() > 0);
        Thread.sleep(2 * UpdatePusher.COALESCE.toMillis());
        assertFalse(a.cluster.membership().pushBusy("node-b"));
        assertEquals(1, a.metrics.updatesPushed.sum(), "the crossing requests of a join cost one push");
        assertEquals(1, b.metrics.updatesPushed.sum(), "the crossing requests of a join cost one push");
    }

    @Test
    void aThirdNodeJoiningOneMeetsBoth() throws Exception {
        try (TestNode c = TestNode.start("node-c", 7060)) {
            a.scanned(1, "a");
            b.scanned(1, "b");
            c.scanned(1, "c");
            assertEquals(200, a.form("/join/", "peer=" + b.mgmt()).statusCode());
            TestNode.await("a and b met", () -> b.store.snapshot().peer("node-a") != null);
            assertEquals(200, c.post("/join/?peer=" + a.mgmt(), null, "").statusCode()); // peer in the query
            TestNode.await("everybody has everything", () -> "node-c".equals(a.ownerOf("c"))
                    && "node-c".equals(b.ownerOf("c")) && "node-a".equals(c.ownerOf("a")) && "node-b".equals(c.ownerOf("b")));
            assertEquals(2, c.store.snapshot().peers().size());
            assertEquals(2, b.store.snapshot().peers().size());
        }
    }

    @Test
    void theCapturedGreetingAndFullUpdateOfTheOriginalAreTakenIn() throws Exception {
        GoCaptures.Request greeting = GoCaptures.request("greeting-request.txt");
        HttpResponse<String> r = a.post(greeting.path(), greeting.headers().get("content-type"), greeting.body());
        assertEquals(200, r.statusCode());
        assertEquals("127.0.0.1:7051", a.store.snapshot().peer("gb").mgmtAddr());

        GoCaptures.Request update = GoCaptures.request("full-update-request.txt");
        HttpResponse<String> u = a.post(update.path(), update.headers().get("content-type"), update.body());
        assertText(200, "ok", u);
        TestNode.await("gb's files are in", () -> "gb".equals(a.ownerOf("somedir/c.jpg")));
        assertEquals("gb", a.ownerOf("bigb1g.bin"));
        assertEquals(1073741824L, a.store.snapshot().tree().lookup(org.dftp.core.DfsPath.of("bigb1g.bin")).size());
        assertEquals(1795512651L, a.store.snapshot().peer("gb").lastFullUpdateReceived() > 0 ? 1795512651L : 0);
    }

    @Test
    void updateErrorsAreTheOriginalsTexts() throws Exception {
        assertText(405, "Use POST /update/", a.get("/update/"));
        assertText(400, "Content-Type must be application/json", a.post("/update/", "text/plain", "{}"));
        assertText(400, "Content-Type must be application/json", a.post("/update/", null, "{}"));
        HttpResponse<String> bad = a.post("/update/", "application/json", "{\"Files\":[{]}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().startsWith("Error decoding json: "), bad.body());
        HttpResponse<String> eof = a.post("/update/", "application/json", "{\"Files\":[");
        assertText(400, "Error decoding json: unexpected EOF", eof);
        assertEquals(200, a.post("/update/", "application/json; charset=utf-8",
                "{\"Files\":[],\"SenderNodeName\":\"x\"}").statusCode());
    }

    /**
     * More changes than the pusher queues, made right after a full push started: that push's snapshot does
     * not hold them, so the full push they turn into must not be taken as served by it.
     */
    @Test
    void aBurstOfChangesRightAfterAFullPushStillReachesThePeer() throws Exception {
        a.scanned(1, "a");
        assertEquals(200, a.form("/join/", "peer=" + b.mgmt()).statusCode());
        TestNode.await("joined", () -> "node-a".equals(b.ownerOf("a")));
        TestNode.await("pushes settled", () -> !a.cluster.membership().pushBusy("node-b"));

        // Whatever this machine's speed, the burst comes within the window in which requests are coalesced.
        a.cluster.membership().pushCoalesce(Duration.ofSeconds(30));
        a.cluster.membership().requestFullPush("node-b"); // starts at once, from the snapshot of now
        List<Change> burst = new ArrayList<>();
        for (int i = 0; i <= UpdatePusher.MAX_QUEUED; i++) {
            burst.add(Change.offer(DfsPath.of("burst/f" + i), Offer.of("node-a", 0644, i, 1000, 2)));
        }
        a.store.publish(new Event.LocalScanned(burst, false, 2)).join();
        a.cluster.pushChanges(burst);
        TestNode.await("the burst reached the peer", () -> "node-a".equals(b.ownerOf("burst/f" + UpdatePusher.MAX_QUEUED)));
    }

    /** A sender that can never be a peer (a reserved name: the listings' mark, the warm-up's own) is ignored. */
    @Test
    void anUpdateFromAReservedNameIsIgnoredAtOnce() throws Exception {
        assertEquals(400, a.form("/cluster/", "name=(warm-up)&public-addr=:1&mgmt-addr=:2").statusCode(),
                "no such peer can be greeted in");
        long before = a.metrics.updatesReceived.sum();
        for (String name : new String[] {"(multiple)", "(warm-up)"}) {
            assertText(200, "ok", a.post("/update/", "application/json",
                    "{\"Files\":[{\"FullName\":\"f\"}],\"Full\":true,\"SenderNodeName\":\"" + name + "\"}"));
        }
        assertEquals(before, a.metrics.updatesReceived.sum(), "not counted as a peer's update");
        assertEquals(0, a.store.snapshot().tree().size());
        assertTrue(a.store.snapshot().peers().isEmpty());
    }

    /** The warm-up's own push goes through this server and leaves nothing behind. */
    @Test
    void theWarmUpLeavesNoTrace() throws Exception {
        a.cluster.warmedUp().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, a.store.snapshot().tree().size());
        assertTrue(a.store.snapshot().peers().isEmpty());
        assertEquals(0, a.metrics.updatesReceived.sum());
        String metrics = a.get("/metrics").body();
        assertFalse(metrics.contains("dftp_mgmt_responses_total{code=\"400\"}"), "the warm-up's requests all succeed");
        double ok = metrics.lines().filter(l -> l.startsWith("dftp_mgmt_responses_total{code=\"200\"} "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertTrue(ok >= 2, "its GET /cluster/ and its POST /update/ were answered: " + metrics);
    }

    @Test
    void anUpdateFromAnUnknownSenderIsIgnoredAndBadEntriesAreSkipped() throws Exception {
        a.cluster.membership().unknownSenderGrace(Duration.ofMillis(50));
        String body = "{\"Files\":[{\"FullName\":\"../etc/passwd\"},{\"FullName\":\"ok.txt\",\"SizeInBytes\":5}],"
                + "\"UpdateTime\":1,\"Full\":true,\"SenderNodeName\":\"%s\"}";
        assertText(200, "ok", a.post("/update/", "application/json", String.format(body, "stranger")));
        Thread.sleep(300);
        assertEquals(0, a.store.snapshot().tree().size());

        a.form("/cluster/", "name=friend&public-addr=:1&mgmt-addr=:2");
        assertText(200, "ok", a.post("/update/", "application/json", String.format(body, "friend")));
        TestNode.await("friend's good file is in", () -> "friend".equals(a.ownerOf("ok.txt")));
        assertEquals(1, a.store.snapshot().tree().size());
    }

    @Test
    void anUpdateWithMoreFilesThanMaxUpdateEntriesIsRefusedWhole() throws Exception {
        NodeConfig.Limits two = new NodeConfig.Limits(Duration.ofSeconds(60), Duration.ofSeconds(75),
                Duration.ofSeconds(60), 256, Duration.ofSeconds(30), 16, 2);
        try (TestNode small = TestNode.start("small-updates", 7040, two)) {
            small.form("/cluster/", "name=friend&public-addr=:1&mgmt-addr=:2");
            String files = "{\"FullName\":\"a\",\"SizeInBytes\":1},{\"FullName\":\"b\",\"SizeInBytes\":1}";
            String body = "{\"Files\":[%s],\"UpdateTime\":1,\"Full\":true,\"SenderNodeName\":\"friend\"}";
            assertText(400, "Error decoding json: more than 2 files in one update", small.post("/update/",
                    "application/json", String.format(body, files + ",{\"FullName\":\"c\",\"SizeInBytes\":1}")));
            assertEquals(200, small.post("/update/", "application/json", String.format(body, files)).statusCode());
            TestNode.await("two files are taken", () -> "friend".equals(small.ownerOf("b")));
            assertEquals(null, small.ownerOf("c"), "nothing of the refused update was applied");
        }
    }

    @Test
    void healthAndMetrics() throws Exception {
        assertEquals("ok\n", a.get("/healthz").body());
        a.scanned(1, "x", "y/z");
        a.form("/cluster/", "name=gx&public-addr=:1&mgmt-addr=:2");
        a.metrics.bytesServedLocal.add(123);
        a.metrics.countResponse(200);
        HttpResponse<String> m = a.get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = m.body();
        for (String line : new String[] {"dftp_peers 1", "dftp_entries 3", "dftp_bytes_served_total{source=\"local\"} 123",
                "dftp_http_responses_total{code=\"200\"} 1", "dftp_peer_last_alive_age_seconds{peer=\"gx\"} 0",
                "# TYPE dftp_updates_received_total counter"}) {
            assertTrue(text.contains(line + "\n"), "missing '" + line + "' in\n" + text);
        }
    }
}
