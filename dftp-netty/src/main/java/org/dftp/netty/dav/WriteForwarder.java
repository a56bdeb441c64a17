package org.dftp.netty.dav;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import org.dftp.core.auth.User;
import org.dftp.netty.http.RequestBody;

/** Relays a write to the node that owns its place, streaming both ways. */
@FunctionalInterface
public interface WriteForwarder {
    /**
     * Relays to the owners' public HTTP ports, found by name ({@code addresses} gives null for an unknown one),
     * over TLS when {@code tls} is not null, each request signed with {@code hop} in a cluster with a secret
     * (null without one).
     */
    static WriteForwarder toPeers(java.util.function.Function<String, org.dftp.netty.HostPort> addresses,
                                  org.dftp.netty.tls.PeerTls tls, org.dftp.netty.http.HopSignature hop) {
        return ForwardedRequest.over(addresses, tls, hop);
    }

    /**
     * Sends {@code req} to {@code owner} with the caller vouched for as {@code user}; its body follows
     * through the returned {@link RequestBody}, the owner's answer goes back to the client, then
     * {@code done} runs on the channel's event loop.
     */
    RequestBody forward(ChannelHandlerContext ctx, HttpRequest req, String owner, User user, Runnable done);
}
