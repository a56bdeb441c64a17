package org.dftp.netty.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * serializer and deserializer, the greeting form, the streaming update writer, parser and tree merge (on a
 * synthetic update of {@link #ENTRIES} entries kept apart from the node's state, so that the JIT compiles
 * the per-entry code), one {@code GET /cluster/} from the {@link PeerClient} to this node's own
 * management API (the client's pool, connect and codec, the server's dispatch and reply), and one
 * {@code POST /update/} to it that the server parses whole and ignores for its reserved sender name. In a fresh JVM
 * each of these costs tens to hundreds of milliseconds the first time; paid during a join, they made a
 * 3-file join take over a second. The warm-up changes no state; a failure is logged at debug.
 */
final class WarmUp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    /**
     * Entries of the synthetic update written, parsed and merged, {@link #ROUNDS} times: enough calls of the
     * per-entry code for the JIT to compile it. Measured on 2 loaded cores: about 0.3 s more CPU at
     * start-up than a one-entry update, and a 500,000-entry join from a fresh JVM about 0.25 s faster.
     */
    static final int ENTRIES = 10_000;
    static final int ROUNDS = 2;
    /** The sender of the update pushed to this node itself: a reserved name, whose updates every node ignores. */
    static final String SENDER = "(warm-up)";
    /** Sizes of the pieces the synthetic update is parsed in: whatever a read buffer held when it was decoded. */
    private static final int[] PIECES = {16384, 1531, 32768, 4099, 977, 8192, 6007};
    /**
     * What the local part warms (classes, compiled code) is the JVM's, not the node's: it runs once per JVM
     * (tests start dozens of nodes in one). The request through the node's own client runs per node.
     */
    private static final AtomicBoolean JVM_WARM = new AtomicBoolean();

    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final long started = System.nanoTime();
    private Disposable request; // guarded by this
    private boolean closed; // guarded by this

    private WarmUp() {
    }

    /**
     * How long after the start the warm-up begins: the node serves at once, and its first requests run
     * cold code of their own; a warm-up beside them (Jackson's classes, a JIT queue already long with the
     * scan's methods) made the first file of a 500,000-file node wait a quarter of a second longer.
     */
    static final long DELAY_MILLIS = 500;

    /** Starts the warm-up on a daemon thread, {@link #DELAY_MILLIS} from now. */
    static WarmUp start(Membership membership, PeerClient client, HostPort selfMgmt) {
        WarmUp w = new WarmUp();
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(DELAY_MILLIS);
            } catch (InterruptedException e) {
                w.close();
                return;
            }
            synchronized (w) {
                if (w.closed) {
                    return;
                }
            }
            w.run(membership, client, selfMgmt);
        }, "dftp-warmup");
        t.setDaemon(true);
        t.start();
        return w;
    }

    /** Completes when the warm-up is over, or was stopped; never exceptionally. */
    CompletableFuture<Void> done() {
        return done;
    }

    private void run(Membership membership, PeerClient client, HostPort selfMgmt) {
        DfsTree update = synthetic();
        if (JVM_WARM.compareAndSet(false, true)) {
            try {
                local(membership, update);
            } catch (Exception | LinkageError e) {
                finish(e);
                return;
            }
        }
        // One request through the client and this node's own server, unless the node is closing: its loops
        // may already be gone.
        synchronized (this) {
            if (closed) {
                return;
            }
            // Then one update pushed through the client to this node's own server, which parses all of it and
            // ignores it for its sender, a reserved name: the send and receive paths of a join (HTTP chunks,
            // the decoder, the parser fed from the network) get compiled now, not during the first join.
            request = client.getCluster(selfMgmt)
                    .then(client.pushUpdate(selfMgmt, () -> UpdateWriter.full(update, SENDER, 1_700_000_000L)))
                    .subscribe(null, this::finish, () -> finish(null));
        }
    }

    /**
     * An update's worth of entries that look like a real tree's (directories with their own offers, files
     * of many sizes and times): code compiled for files alone was thrown away and compiled again during the
     * first real join, at the first directory. All of them are {@link #SENDER}'s.
     */
    static DfsTree synthetic() {
        String owner = SENDER;
        List<Change> changes = new ArrayList<>(ENTRIES + ENTRIES / 500);
        for (int i = 0; i < ENTRIES; i++) {
            // Half of them two levels down, half one level down: directories at the top and below it take
            // different branches when a path is compared with its predecessor's parent.
            String dir = i < ENTRIES / 2 ? "warm-up/d" + (i / 500) : "warm-up-" + (i / 500);
            if (i % 500 == 0) {
                changes.add(Change.offer(DfsPath.of(dir),
                        Offer.of(owner, Offer.MODE_DIR | 0755, 0, 1_700_000_000L + i, 1_700_000_000L)));
            }
            // Empty files too: a number that is 0 takes its own path through the parser.
            changes.add(Change.offer(DfsPath.of(dir + "/file-" + i + ".bin"),
                    Offer.of(owner, i % 7 == 0 ? 0600 : 0644, i % 3 == 0 ? 0 : (long) i * 4099, 1_700_000_000L + i,
                            1_700_000_000L)));
        }
        return DfsTree.EMPTY.apply(changes);
    }

    /** What runs once per JVM; {@code update} is the {@link #synthetic} tree. */
    private static void local(Membership membership, DfsTree update) throws Exception {
        String self = membership.selfName();
        // What a greeting costs each side: the form, the answer's JSON both ways.
        Greeting g = membership.selfGreeting(true);
        MgmtInput.greeting(Form.parse(g.formBody()), "127.0.0.1");
        ClusterInfo info = membership.info();
        byte[] json = ManagementServer.Reply.json(info).body();
        Wire.MAPPER.readValue(json, ClusterInfo.class);

        // What an update costs each side: written in chunks as PeerClient streams it, parsed as it arrives
        // (from direct buffers, as the server receives it), merged into a tree; twice over enough entries for
        // the JIT to compile the per-entry code.
        for (int round = 0; round < ROUNDS; round++) {
            List<ByteBuf> chunks = PeerClient.chunks(() -> UpdateWriter.full(update, SENDER, 1_700_000_000L),
                    ByteBufAllocator.DEFAULT, PeerClient.CHUNK).collectList().block(Duration.ofSeconds(10));
            try (UpdateParser parser = new UpdateParser()) {
                int piece = 0;
                for (ByteBuf c : chunks) {
                    while (c.isReadable()) {
                        // Pieces of the sizes the server's decoder hands over: a token cut at a piece's end
                        // resumes on paths of the parser that whole chunks rarely take.
                        int n = Math.min(c.readableBytes(), PIECES[piece++ % PIECES.length]);
                        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(n);
                        try {
                            direct.writeBytes(c, n);
                            ManagementServer.feed(parser, direct);
                        } finally {
                            direct.release();
                        }
                    }
                }
                // Written in path order, it parses to a tree; merged into one that holds another node's offer
                // at the same path, as a join merges.
                DfsTree ours = DfsTree.EMPTY.apply(List.of(Change.offer(DfsPath.of("warm-up/d0"),
                        Offer.of(self, Offer.MODE_DIR | 0755, 0, 1, 1))));
                ours.replaceOwner(SENDER, parser.finish().tree());
            } finally {
                chunks.forEach(ByteBuf::release); // every chunk, also when the parser gave up half way
            }
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
