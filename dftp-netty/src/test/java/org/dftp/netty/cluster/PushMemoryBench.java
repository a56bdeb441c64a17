package org.dftp.netty.cluster;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.dftp.core.wire.UpdateWriter;
import org.dftp.netty.HostPort;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Not a test: measures the heap a full update of N entries costs its sender while it is pushed to several
 * peers at once (issue 3: under 64 MB extra). Run by bench/push-memory.sh:
 * {@code java -cp <test class path> org.dftp.netty.cluster.PushMemoryBench 500000 4}.
 *
 * <p>The heap after each garbage collection during the pushes, less the heap after a full collection
 * before them (the tree itself), is the extra live heap the pushes hold; its maximum is reported. The
 * receivers only count bytes, so they add nothing to it.
 */
public final class PushMemoryBench {
    private PushMemoryBench() {
    }

    private static long heapUsed() {
        MemoryUsage u = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return u.getUsed();
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int peers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        List<Change> changes = new ArrayList<>(entries);
        int perDir = 500;
        for (int i = 0; i < entries; i++) {
            String dir = "data/set-" + (i / perDir);
            changes.add(Change.offer(DfsPath.of(dir + "/file-" + i + ".bin"), Offer.of("sender", 0644, i, 1_700_000_000L, 1_700_000_100L)));
        }
        DfsTree tree = DfsTree.EMPTY.apply(changes);
        changes = null;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long base = heapUsed();

        AtomicLong maxAfterGc = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long after = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
                maxAfterGc.accumulateAndGet(after, Math::max);
            }, null, null);
        }

        LoopResources loops = LoopResources.create("bench", 1, 2, true);
        List<DisposableServer> sinks = new ArrayList<>();
        AtomicLong received = new AtomicLong();
        for (int i = 0; i < peers; i++) {
            sinks.add(HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                    .handle((req, res) -> req.receive().doOnNext(b -> received.addAndGet(b.readableBytes())).then()
                            .then(res.sendString(Mono.just("ok\n")).then()))
                    .bindNow());
        }
        PeerClient client = new PeerClient(loops, Duration.ofSeconds(3), Duration.ofSeconds(30), Duration.ofSeconds(120));
        long t0 = System.nanoTime();
        Flux.fromIterable(sinks)
                .flatMap(s -> client.pushUpdate(new HostPort("127.0.0.1", ((InetSocketAddress) s.address()).getPort()),
                        () -> UpdateWriter.full(tree, "sender", 1_700_000_200L)))
                .then().block(Duration.ofMinutes(5));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long extra = Math.max(0, maxAfterGc.get() - base);
        System.out.printf("entries=%d peers=%d bytes/peer=%d time=%dms tree-heap=%dMB max-extra-live-heap=%dMB%n",
                tree.size(), peers, received.get() / peers, ms, base >> 20, extra >> 20);
        client.close();
        sinks.forEach(DisposableServer::disposeNow);
        loops.disposeLater().block();
        System.exit(extra < 64L << 20 ? 0 : 1);
    }
}
