/**
 * The cluster side of a node: the management API, the client to other nodes, the greeting flow and
 * multicast discovery, wire-compatible with the original Go implementation (docs/PROTOCOL.md Part 1).
 *
 * <h2>Shape</h2>
 * <ul>
 *   <li>{@link org.dftp.netty.cluster.ClusterServices}: the entry point; starts and stops all of the below.
 *   <li>{@link org.dftp.netty.cluster.ManagementServer}: Reactor Netty {@code HttpServer}; one dispatcher,
 *       one place that turns errors into statuses and texts.
 *   <li>{@code MgmtInput}: the one place outside input (forms, answers, pings) is checked.
 *   <li>{@link org.dftp.netty.cluster.Membership}: decides side effects (greet back, push, greet learned
 *       peers) from the state and publishes what it learns as events; never changes state itself.
 *   <li>{@code UpdatePusher}: one push per peer at a time, full or incremental, in order; full requests
 *       coalesced, queued incremental batches sent together; a failed push is repaired by a full one.
 *       Bodies streamed by {@link org.dftp.core.wire.UpdateWriter}.
 *   <li>{@code Liveness}: pings every peer each ping interval on its own thread, removes a peer that misses
 *       the ping failures in a row, greets removed peers again with back-off, notices their return.
 *   <li>{@link org.dftp.netty.cluster.PeerClient}: Reactor Netty {@code HttpClient}, a pool per peer.
 *   <li>{@link org.dftp.netty.cluster.MulticastDiscovery}: Netty datagram channel, epoll or NIO.
 * </ul>
 *
 * <h2>A living cluster</h2>
 * Local changes arrive through {@link org.dftp.netty.cluster.ClusterServices#pushChanges} (one incremental
 * update per watcher batch) and {@link org.dftp.netty.cluster.ClusterServices#pushFullUpdates} (after each
 * periodic rescan). Side effects are decided here, from the state: removal by {@code Liveness}, the request
 * for a missing full update and the full updates of a return by {@link org.dftp.netty.cluster.Membership}.
 *
 * <p>Nothing in this package takes or returns null unless its documentation says so.
 */
@NullMarked
package org.dftp.netty.cluster;

import org.jspecify.annotations.NullMarked;
