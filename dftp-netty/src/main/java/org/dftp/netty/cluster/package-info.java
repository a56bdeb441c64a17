/**
 * The cluster side of a node: the management API, the client to other nodes, the greeting flow and
 * multicast discovery, wire-compatible with the original Go implementation (PROTOCOL.md Part 1).
 *
 * <h2>Shape</h2>
 * <ul>
 *   <li>{@link org.dftp.netty.cluster.ClusterServices}: the entry point; starts and stops all of the below.
 *   <li>{@link org.dftp.netty.cluster.ManagementServer}: Reactor Netty {@code HttpServer}; one dispatcher,
 *       one place that turns errors into statuses and texts.
 *   <li>{@code MgmtInput}: the one place outside input (forms, answers, pings) is checked.
 *   <li>{@link org.dftp.netty.cluster.Membership}: decides side effects (greet back, push, greet learned
 *       peers) from the state and publishes what it learns as events; never changes state itself.
 *   <li>{@code UpdatePusher}: one push per peer at a time, requests coalesced; bodies streamed by
 *       {@link org.dftp.core.wire.UpdateWriter} from the snapshot taken when the push starts.
 *   <li>{@link org.dftp.netty.cluster.PeerClient}: Reactor Netty {@code HttpClient}, a pool per peer.
 *   <li>{@link org.dftp.netty.cluster.MulticastDiscovery}: Netty datagram channel, epoll or NIO.
 * </ul>
 *
 * <h2>Where a living cluster (issue 5) plugs in</h2>
 * Liveness: {@code Membership.greet(addr, false)} is a ping (it records {@code PeerSeen} on success);
 * count failures and publish {@code PeerRemoved}; a removed node that greets again is new, and gets a
 * full update. Periodic full updates: {@code Membership.requestFullPush(peer)} for every peer. Incremental
 * updates: {@link org.dftp.core.wire.UpdateWriter#incremental} streams a list of changes the same way.
 *
 * <p>Nothing in this package takes or returns null unless its documentation says so.
 */
@NullMarked
package org.dftp.netty.cluster;

import org.jspecify.annotations.NullMarked;
