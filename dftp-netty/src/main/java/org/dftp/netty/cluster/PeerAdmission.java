package org.dftp.netty.cluster;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Set;
import org.dftp.core.cluster.ClusterState;
import org.dftp.netty.HostPort;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Who may become a peer, and where this node connects to meet one: the one home of those rules.
 *
 * <ul>
 *   <li>Where: every address this node is told to greet or to fetch files from (a {@code /join/}, a
 *       greeting's {@code mgmt-addr} and {@code public-addr}, an answer's {@code PublicAddr}, a peer listed in
 *       an answer, a discovery ping) must not be link-local ({@code 169.254.0.0/16}, {@code fe80::/10}: the
 *       cloud metadata services live there), a known metadata address, multicast, broadcast or unspecified,
 *       and a management address must not be this node's own (it would greet itself and push its file
 *       list to itself). Otherwise a caller could make the node connect anywhere,
 *       and keep pinging and pushing its file list there. Loopback and private networks stay open: clusters
 *       live there. A host name is resolved (off the event loops) and each of its addresses checked.
 *   <li>How many: the peer table holds at most {@code maxPeers} nodes, and at most {@code maxGreetings}
 *       greetings of addresses that are not a peer's are under way at once; beyond that a new node is
 *       refused with 503 and greeted later, by its next ping or greeting, when there is room.
 * </ul>
 * The rule for a known peer's address (a greeting from elsewhere does not move a live peer) is applied by
 * {@link Membership}, which can ask the peer; liveness forgets removed peers.
 *
 * <p>Immutable apart from the advertised ports; called from the management server's event loops, the
 * discovery thread and the liveness thread.
 */
final class PeerAdmission {
    /** Metadata services that are not link-local (Alibaba Cloud; AWS's IPv6 endpoint). */
    private static final Set<String> METADATA = Set.of("100.100.100.200", "fd00:ec2:0:0:0:0:0:254");

    /** A refusal; the message says which address and why. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final int maxPeers;
    private final int maxGreetings;
    private volatile Set<Integer> ownPorts = Set.of();

    PeerAdmission(int maxPeers, int maxGreetings) {
        if (maxPeers < 1 || maxGreetings < 1) {
            throw new IllegalArgumentException("-max-peers and -max-pending-greetings must be at least 1");
        }
        this.maxPeers = maxPeers;
        this.maxGreetings = maxGreetings;
    }

    /** The port this node's management API listens on: its own management address is never greeted. */
    void ownMgmtPort(int port) {
        ownPorts = port > 0 ? Set.of(port) : Set.of();
    }

    /**
     * {@code addr} if this node may connect there; an IP address is checked at once, a host name resolved on
     * a thread that may block. Fails with {@link Refused} (400) naming the field and the reason.
     *
     * @param what the field it came from, for the message (e.g. {@code mgmt-addr})
     * @param mgmt whether it is a management address (then it must not be this node's own)
     */
    Mono<HostPort> checked(String what, HostPort addr, boolean mgmt) {
        if (isIpLiteral(addr.host())) {
            return Mono.fromCallable(() -> check(what, addr, InetAddress.getByName(addr.host()), mgmt));
        }
        return Mono.fromCallable(() -> {
                    InetAddress[] all;
                    try {
                        all = InetAddress.getAllByName(addr.host());
                    } catch (UnknownHostException e) {
                        throw new Refused(400, what + " " + addr + ": unknown host");
                    }
                    for (InetAddress a : all) {
                        check(what, addr, a, mgmt);
                    }
                    return addr;
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** Why this node must not connect to {@code ip} at {@code addr}'s port; null when it may. */
    String refusal(HostPort addr, InetAddress ip, boolean mgmt) {
        if (ip.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (ip.isLinkLocalAddress()) {
            return "link-local (where metadata services answer)";
        }
        if (METADATA.contains(ip.getHostAddress().toLowerCase(java.util.Locale.ROOT))) {
            return "a metadata service";
        }
        if (ip.isMulticastAddress() || ip.getHostAddress().equals("255.255.255.255")) {
            return "multicast or broadcast";
        }
        if (ip instanceof Inet6Address && ip.getHostAddress().toLowerCase(java.util.Locale.ROOT).startsWith("fe")) {
            return "link-local (where metadata services answer)"; // fec0::/10, site-local, deprecated
        }
        if (mgmt && ownPorts.contains(addr.port()) && isThisMachine(ip)) {
            return "this node's own address";
        }
        return null;
    }

    private HostPort check(String what, HostPort addr, InetAddress ip, boolean mgmt) {
        String why = refusal(addr, ip, mgmt);
        if (why != null) {
            throw new Refused(400, what + " " + addr + " is " + why + ": this node does not connect there");
        }
        return addr;
    }

    /** Whether the table has room for a node it does not hold yet; else fails with {@link Refused} (503). */
    void roomFor(ClusterState s, String name) {
        if (s.peer(name) == null && s.peers().size() >= maxPeers) {
            throw new Refused(503, "this node has " + s.peers().size() + " peers, the most -max-peers allows; "
                    + name + " is not taken in");
        }
    }

    /** Whether the table has room for one more node. */
    boolean hasRoom(ClusterState s) {
        return s.peers().size() < maxPeers;
    }

    /** Whether another greeting may start while {@code underWay} greetings are; else fails (503). */
    void greetingMayStart(int underWay, HostPort addr) {
        if (underWay >= maxGreetings) {
            throw new Refused(503, "not greeting " + addr + ": " + underWay
                    + " greetings are under way, the most -max-pending-greetings allows");
        }
    }

    int maxPeers() {
        return maxPeers;
    }

    private static boolean isThisMachine(InetAddress ip) {
        if (ip.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(ip) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** Whether {@code host} is an IPv4 or IPv6 address rather than a name (no lookup). */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // HostPort keeps IPv6 hosts without brackets; names have no colon
        }
        if (host.isEmpty()) {
            return false;
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }
}
