package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What one join costs on the wire: a greeting each way and a full update each way, no more. The two
 * greetings of a join cross (the joining node greets, the other greets it back), and a node may take the
 * other's greeting for a stranger's; answering it with yet another greeting asking for a full update
 * would make a node with a big tree push it twice. That crossing is a race which these loopback joins
 * seldom lose (JoinBench lost it about once in ten joins before Membership checked for it), so this
 * guards the join's traffic as a whole more than it reproduces the race.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class JoinTrafficTest {
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");

    @TempDir
    Path base;
    private ListAppender<ILoggingEvent> membership;
    private ListAppender<ILoggingEvent> pusher;

    @BeforeEach
    void capture() {
        membership = LogCapture.info("org.dftp.netty.cluster.Membership");
        pusher = LogCapture.info("org.dftp.netty.cluster.UpdatePusher");
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger("org.dftp.netty.cluster.Membership")).detachAppender(membership);
        ((Logger) LoggerFactory.getLogger("org.dftp.netty.cluster.UpdatePusher")).detachAppender(pusher);
    }

    @Test
    void aJoinIsOneGreetingAndOneFullUpdateEachWay() throws Exception {
        for (int round = 0; round < 4; round++) {
            Path aRoot = Files.createDirectories(base.resolve("a" + round));
            Path bRoot = Files.createDirectories(base.resolve("b" + round));
            Files.writeString(aRoot.resolve("a.txt"), "a");
            Files.writeString(bRoot.resolve("b.txt"), "b");
            membership.list.clear();
            pusher.list.clear();
            try (DftpNode a = start("a" + round, aRoot); DftpNode b = start("b" + round, bRoot)) {
                a.cluster().join(List.of(new HostPort("127.0.0.1", b.mgmtPort()))).block(Duration.ofSeconds(10));
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (a.store().snapshot().tree().lookup(DfsPath.of("b.txt")) == null
                        || b.store().snapshot().tree().lookup(DfsPath.of("a.txt")) == null
                        || count(pusher, "Pushed full update") < 2) {
                    assertTrue(System.nanoTime() < deadline, "no convergence: " + messages());
                    Thread.sleep(10);
                }
                Thread.sleep(300); // a redundant greeting, and the push it asks for, would come now
                assertEquals(2, count(membership, "Greeting "), "greetings of join " + round + ": " + messages());
                assertEquals(2, count(pusher, "Pushing full update"), "pushes of join " + round + ": " + messages());
            }
        }
    }

    private static DftpNode start(String name, Path root) throws Exception {
        return DftpNode.start(NodeConfig.defaults(name, root).withListen(ANY, ANY, null).withMulticast(null));
    }

    private static long count(ListAppender<ILoggingEvent> log, String prefix) {
        return List.copyOf(log.list).stream().filter(e -> e.getFormattedMessage().startsWith(prefix)).count();
    }

    private String messages() {
        return List.copyOf(membership.list).stream().map(ILoggingEvent::getFormattedMessage).toList()
                + " " + List.copyOf(pusher.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

}
