package org.dftp.netty.http;

import java.util.Objects;
import java.util.function.Supplier;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.dav.DavHandler;

/**
 * What the public HTTP handler serves: the current tree, which node this is (files it owns are read
 * from {@code localRoot}), how to reach files of other nodes, and where to count.
 *
 * @param tree the current snapshot; read once per request, so a response sees one consistent tree
 * @param selfName this node's name: the owner of the files in {@code localRoot}
 * @param localRoot the local directory, or null when this server has no local files
 * @param remote how files of other nodes are served
 * @param metrics counters
 * @param access who may read and write
 * @param dav the WebDAV methods, or null to answer only {@code GET} and {@code HEAD}
 */
public record DfsHttpContext(Supplier<DfsTree> tree, String selfName, LocalRoot localRoot, RemoteFiles remote,
                             NodeMetrics metrics, Access access, DavHandler dav) {
    public DfsHttpContext {
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(selfName, "selfName");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(access, "access");
    }

    /** A read-only server: anonymous reads, no WebDAV. */
    public DfsHttpContext(Supplier<DfsTree> tree, String selfName, LocalRoot localRoot, RemoteFiles remote,
                          NodeMetrics metrics) {
        this(tree, selfName, localRoot, remote, metrics, Access.READ_ONLY, null);
    }

    /** A server of local files only, over a tree the caller maintains. */
    public static DfsHttpContext local(Supplier<DfsTree> tree, String selfName, LocalRoot localRoot) {
        return new DfsHttpContext(tree, selfName, localRoot, RemoteFiles.NONE, new NodeMetrics());
    }
}
