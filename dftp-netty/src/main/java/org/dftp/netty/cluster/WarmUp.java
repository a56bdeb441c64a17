package org.dftp.netty.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.dftp.core.wire.ClusterInfo;
import org.dftp.core.wire.UpdateParser;
import org.dftp.core.wire.UpdateWriter;
import org.dftp.core.wire.Wire;
import org.dftp.netty.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * Runs once, at start-up and off every critical path, the code a join runs: Jackson's cluster-info
 * serializer and deserializer, the greeting form, the streaming update writer and parser, and one
 * {@code GET /cluster/} from the {@link PeerClient} to this node's own management API (the client's
 * pool, connect and codec, the server's dispatch and reply). In a fresh JVM each of these costs tens to
 * hundreds of milliseconds of class loading and interpretation the first time; paid during a join, they
 * made a 3-file join take over a second. The warm-up changes no state; a failure is logged at debug.
 */
final class WarmUp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final long started = System.nanoTime();
    private Disposable request; // guarded by this
    private boolean closed; // guarded by this

    private WarmUp() {
    }

    /** Starts the warm-up on a daemon thread. */
    static WarmUp start(Membership membership, PeerClient client, HostPort selfMgmt) {
        WarmUp w = new WarmUp();
        Thread t = new Thread(() -> w.run(membership, client, selfMgmt), "dftp-warmup");
        t.setDaemon(true);
        t.start();
        return w;
    }

    /** Completes when the warm-up is over, or was stopped; never exceptionally. */
    CompletableFuture<Void> done() {
        return done;
    }

    private void run(Membership membership, PeerClient client, HostPort selfMgmt) {
        try {
            local(membership);
        } catch (Exception | LinkageError e) {
            finish(e);
            return;
        }
        // One request through the client and this node's own server, unless the node is closing: its loops
        // may already be gone.
        synchronized (this) {
            if (closed) {
                return;
            }
            request = client.getCluster(selfMgmt).subscribe(null, this::finish, () -> finish(null));
        }
    }

    private static void local(Membership membership) throws Exception {
        String self = membership.selfName();
        // What a greeting costs each side: the form, the answer's JSON both ways.
        Greeting g = membership.selfGreeting(true);
        MgmtInput.greeting(Form.parse(g.formBody()), "127.0.0.1");
        ClusterInfo info = membership.info();
        byte[] json = ManagementServer.Reply.json(info).body();
        Wire.MAPPER.readValue(json, ClusterInfo.class);

        // What an update costs each side: written in chunks as PeerClient streams it, parsed as it arrives.
        DfsTree tiny = DfsTree.EMPTY.apply(List.of(
                Change.offer(DfsPath.of("warm-up/file.bin"), Offer.of(self, 0644, 1, 0, 0))));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<ByteBuf> chunks = PeerClient.chunks(() -> UpdateWriter.full(tiny, self, 0), ByteBufAllocator.DEFAULT,
                PeerClient.CHUNK).collectList().block(Duration.ofSeconds(5));
        for (ByteBuf c : chunks) {
            try {
                c.readBytes(body, c.readableBytes());
            } finally {
                c.release();
            }
        }
        try (UpdateParser parser = new UpdateParser()) {
            byte[] b = body.toByteArray();
            parser.feed(b, 0, b.length);
            DfsTree.EMPTY.apply(parser.finish().changes());
        }
    }

    private void finish(Throwable e) {
        if (e != null) {
            log.debug("Warm-up cut short: {}", e.toString());
        } else {
            log.debug("Warm-up done in {} ms", (System.nanoTime() - started) / 1_000_000);
        }
        done.complete(null);
    }

    /** Stops the warm-up: the request under way, if any, is cancelled; none is started after this. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (request != null) {
                request.dispose();
            }
        }
        done.complete(null);
    }
}
