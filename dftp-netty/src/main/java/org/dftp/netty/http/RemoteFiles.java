package org.dftp.netty.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import org.dftp.core.DfsPath;

/**
 * Serves a file that another node owns. The node plugs in its Reactor Netty proxy; an embedding
 * application that serves only local files uses {@link #NONE}.
 */
@FunctionalInterface
public interface RemoteFiles {

    /** Answers every remote file with {@code 502}: there is no cluster to fetch it from. */
    RemoteFiles NONE = (ctx, req, path, owner, hops, ownCopy, done) -> {
        if (ownCopy != null) {
            ownCopy.run();
            done.run();
            return;
        }
        HttpResponses.sendText(ctx, req, HttpResponseStatus.BAD_GATEWAY,
                "`" + path + "` is owned by node " + owner + ", which this server cannot reach\n");
        done.run();
    };

    /**
     * Streams {@code path} from its owner to the client, then runs {@code done} on the channel's event
     * loop once the response is complete or failed (the handler holds later pipelined requests until then).
     *
     * @param hops how many nodes this request already went through ({@code redirN})
     * @param ownCopy answers from this node's own copy of the path, when it has one (else null): run on the
     *     event loop instead of a {@code 502} when the owner cannot be reached or fails before answering, so
     *     that a peer's newer offer naming an owner that does not answer never takes a local file offline
     */
    void serve(ChannelHandlerContext ctx, HttpRequest req, DfsPath path, String owner, int hops, Runnable ownCopy,
               Runnable done);

    /**
     * A blocking stream of {@code path} as its owner serves it, for code that runs on a thread of its own
     * (folder archives): never call it on an event loop. Without a cluster there is no owner to ask.
     *
     * @throws IOException when the owner is unknown, unreachable, or does not have the file
     */
    default InputStream open(String owner, DfsPath path) throws IOException {
        throw new IOException("`" + path + "` is owned by node " + owner + ", which this server cannot reach");
    }
}
