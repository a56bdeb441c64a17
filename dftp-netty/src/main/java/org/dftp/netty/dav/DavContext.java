package org.dftp.netty.dav;

import io.netty.util.concurrent.EventExecutorGroup;
import org.dftp.core.write.LocalWrites;

/**
 * What the WebDAV methods need beyond the tree: the engine that writes this node's disk (null on a node
 * without a local tree), how to reach the owner of a place elsewhere (null without a cluster), the upload
 * limit, the threads that may block on the disk, and the in-memory locks and dead properties.
 */
public final class DavContext {
    final LocalWrites writes;
    final WriteForwarder forwarder;
    final long maxUploadSize;
    final EventExecutorGroup io;
    final LockTable locks = new LockTable();
    final DeadProperties props = new DeadProperties();

    /**
     * @param writes this node's disk, or null
     * @param forwarder relays writes to their owners, or null when there are no other nodes
     * @param maxUploadSize the largest file a client may write, in bytes; 0 or less for no limit
     * @param io threads for disk work; each upload keeps to one of them
     */
    public DavContext(LocalWrites writes, WriteForwarder forwarder, long maxUploadSize, EventExecutorGroup io) {
        this.writes = writes;
        this.forwarder = forwarder;
        this.maxUploadSize = maxUploadSize > 0 ? maxUploadSize : Long.MAX_VALUE;
        this.io = io;
    }
}
