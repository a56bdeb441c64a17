package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A peer that answers the updates pushed to it with garbage, or never answers them, holds up no one: the
 * node goes on serving, and its changes still reach its good peer within the push bound. The bad peer is
 * a fake of the original node whose greeting and pings are answered properly, so it stays a peer.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class BadPeerTest {
    @TempDir
    Path tmp;
    private DftpNode a;
    private DftpNode c;
    private FakeGoNode bad;

    @AfterEach
    void stop() {
        for (AutoCloseable x : new AutoCloseable[] {bad, a, c}) {
            if (x != null) {
                try {
                    x.close();
                } catch (Exception e) {
                    // closing anyway
                }
            }
        }
    }

    private DftpNode node(String name) throws Exception {
        Path root = Files.createDirectories(tmp.resolve(name));
        Files.writeString(root.resolve(name + ".txt"), "from " + name);
        return DftpNode.start(NodeConfig.defaults(name, root)
                .withListen(HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null)
                .withMulticast(null)
                .withLiveness(Duration.ofMillis(300), 3));
    }

    private String badInfo(FakeGoNode fake) {
        long now = System.currentTimeMillis() / 1000;
        return "{\"Name\":\"dftp\",\"Me\":{\"Name\":\"gb\",\"PublicAddr\":\"127.0.0.1:" + fake.publicPort()
                + "\",\"MgmtAddr\":\"127.0.0.1:" + fake.mgmtPort() + "\",\"LastAlive\":" + now
                + ",\"LastUpdatePushed\":0,\"LastUpdateReceived\":0,\"LastFullUpdateReceived\":0},\"Peers\":{}}";
    }

    @ParameterizedTest
    @EnumSource(value = FakeGoNode.UpdateAnswer.class, names = {"GARBAGE", "HANG"})
    void aPeerAnsweringGarbageOrNothingToUpdatesHoldsUpNoOne(FakeGoNode.UpdateAnswer answer) throws Exception {
        a = node("a");
        c = node("c");
        bad = FakeGoNode.start(0, 0, this::badInfo, Map.of(), true);
        bad.updateAnswer = answer;
        String join = "peer=127.0.0.1:" + c.mgmtPort() + "&peer=127.0.0.1:" + bad.mgmtPort();
        assertEquals(200, Web.postForm("http://127.0.0.1:" + a.mgmtPort() + "/join/", join).statusCode());
        await("a pushed an update to the bad peer", Duration.ofSeconds(10),
                () -> bad.mgmtRequests.stream().anyMatch(r -> r.uri().getPath().equals("/update/")));
        String find = "http://127.0.0.1:" + c.httpPort() + "/find/";
        await("c has a's file", Duration.ofSeconds(10), () -> text(find).contains("/a.txt"));

        Files.writeString(tmp.resolve("a").resolve("later.txt"), "written later");
        Duration took = await("a's change reaches c past the bad peer", Duration.ofSeconds(10),
                () -> text(find).contains("/later.txt"));
        assertEquals("written later", Web.text("http://127.0.0.1:" + a.httpPort() + "/fs/later.txt"));
        assertEquals(200, Web.get("http://127.0.0.1:" + a.mgmtPort() + "/healthz").statusCode());
        assertTrue(bad.mgmtRequests.stream().filter(r -> r.uri().getPath().equals("/update/")).count() >= 1);
        System.out.println("BadPeerTest: with a peer answering " + answer + ", a's change reached c in "
                + took.toMillis() + " ms");
    }

    private static String text(String url) {
        try {
            return Web.text(url);
        } catch (Exception e) {
            return "";
        }
    }

    private static Duration await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - start < limit.toNanos(), "not within " + limit + ": " + what);
            Thread.sleep(20);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
