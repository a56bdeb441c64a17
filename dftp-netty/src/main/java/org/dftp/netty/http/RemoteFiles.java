package org.dftp.netty.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.dftp.core.DfsPath;

/**
 * Serves a file that another node owns. The node plugs in its Reactor Netty proxy; an embedding
 * application that serves only local files uses {@link #NONE}.
 */
@FunctionalInterface
public interface RemoteFiles {

    /** Answers every remote file with {@code 502}: there is no cluster to fetch it from. */
    RemoteFiles NONE = (ctx, req, path, owner, hops, done) -> {
        HttpResponses.sendText(ctx, req, HttpResponseStatus.BAD_GATEWAY,
                "`" + path + "` is owned by node " + owner + ", which this server cannot reach\n");
        done.run();
    };

    /**
     * Streams {@code path} from its owner to the client, then runs {@code done} on the channel's event
     * loop once the response is complete or failed (the handler holds later pipelined requests until then).
     *
     * @param hops how many nodes this request already went through ({@code redirN})
     */
    void serve(ChannelHandlerContext ctx, HttpRequest req, DfsPath path, String owner, int hops, Runnable done);
}
