package org.dftp.netty.cluster;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.wire.ClusterInfo;
import org.dftp.core.wire.DiscoveryPing;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.HostPort;

/**
 * The one place where what other nodes and users send to the management API and the discovery socket
 * is checked and turned into trusted values: node names, addresses (with the rule for {@code :port}),
 * greeting and join forms, greeting answers and discovery pings. Every refusal is a
 * {@link BadInput} whose message is fit for a {@code 400} body or a log line.
 */
final class MgmtInput {
    /** Longest node name accepted; names are owners in every tree and labels in /metrics. */
    static final int MAX_NAME_LENGTH = 255;
    static final String GREETING_FIELDS_REQUIRED = "name, public-addr and mgmt-addr are required parameters";
    static final String JOIN_NEEDS_PEER = "Specify at least one 'peer'";

    private MgmtInput() {
    }

    /** Input that is refused; the message says why. */
    static final class BadInput extends IllegalArgumentException {
        BadInput(String message) {
            super(message);
        }
    }

    /** A node name from outside: non-empty, short, printable, and not starting with {@code (} (reserved). */
    static String nodeName(String name) {
        if (name == null || name.isEmpty()) {
            throw new BadInput("node name is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new BadInput("node name longer than " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validSurrogate(name, i)) {
                throw new BadInput("node name has a control character or broken Unicode");
            }
        }
        if (name.equals(DfsNode.MULTIPLE_OWNERS)) {
            throw new BadInput("'" + DfsNode.MULTIPLE_OWNERS + "' cannot be a node name");
        }
        if (name.startsWith("(")) {
            // Reserved, as for this node's own name (NodeNames): the listings' mark, the warm-up's sender.
            throw new BadInput("a node name cannot start with '('");
        }
        return name;
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /**
     * An address a peer gave for itself. An empty or unspecified host ({@code :7041}, {@code 0.0.0.0:7041})
     * means "the host you see me at", {@code seenFrom}.
     *
     * @param what the field, for the message (e.g. {@code mgmt-addr})
     */
    static HostPort peerAddress(String what, String raw, String seenFrom) {
        HostPort hp;
        try {
            hp = HostPort.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new BadInput("invalid " + what + ": " + e.getMessage());
        }
        if (hp.port() == 0) {
            throw new BadInput("invalid " + what + " '" + raw + "': port 0");
        }
        if (hp.host().length() > 253 || hp.host().chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@' || c == 0x7f)) {
            throw new BadInput("invalid " + what + " '" + raw + "': bad host");
        }
        return isUnspecified(hp.host()) ? new HostPort(seenFrom, hp.port()) : hp;
    }

    static boolean isUnspecified(String host) {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** The host part of an IP address as it appears in {@code host:port}, without an IPv6 zone. */
    static String hostOf(InetAddress a) {
        String h = a.getHostAddress();
        int zone = h.indexOf('%');
        return zone < 0 ? h : h.substring(0, zone);
    }

    /** A greeting form ({@code POST /cluster/}) from a caller seen at {@code seenFrom}. */
    static Greeting greeting(Form form, String seenFrom) {
        String name = form.first("name");
        String pub = form.first("public-addr");
        String mgmt = form.first("mgmt-addr");
        if (name.isEmpty() || pub.isEmpty() || mgmt.isEmpty()) {
            throw new BadInput(GREETING_FIELDS_REQUIRED);
        }
        return new Greeting(nodeName(name), peerAddress("public-addr", pub, seenFrom),
                peerAddress("mgmt-addr", mgmt, seenFrom), form.first("request-full-update").equals("true"));
    }

    /** The {@code peer} fields of a join. An address without a host means this machine. */
    static List<HostPort> joinPeers(Form form) {
        List<String> raw = form.all("peer");
        if (raw.stream().allMatch(String::isEmpty)) {
            throw new BadInput(JOIN_NEEDS_PEER);
        }
        List<HostPort> out = new ArrayList<>();
        for (String p : raw) {
            if (!p.isEmpty()) {
                out.add(peerAddress("peer", p.trim(), "127.0.0.1"));
            }
        }
        return out;
    }

    /**
     * The node that answered our greeting at {@code addr}: its name checked, its management address the
     * one we reached it at (as the original does), its public address with the host filled in from it.
     */
    static NodeInfo greetingAnswer(ClusterInfo info, HostPort addr) {
        if (info == null || info.me() == null) {
            throw new BadInput("the answer has no 'Me'");
        }
        NodeInfo me = info.me();
        String name = nodeName(me.name());
        String pub = me.publicAddr() == null ? "" : me.publicAddr();
        HostPort publicAddr = peerAddress("PublicAddr", pub, addr.host());
        return NodeInfo.of(name, publicAddr.toString(), addr.toString());
    }

    /**
     * Another node listed in a greeting answer from {@code via}: its name and management address, or null
     * when the entry is unusable (it is then only logged by the caller).
     */
    static HostPort listedPeerMgmt(NodeInfo p, HostPort via) {
        if (p == null || p.mgmtAddr() == null || p.mgmtAddr().isEmpty()) {
            throw new BadInput("a listed peer has no MgmtAddr");
        }
        nodeName(p.name());
        return peerAddress("MgmtAddr", p.mgmtAddr(), via.host());
    }

    /**
     * A discovery ping of our cluster from someone else, or null when it is to be ignored: another
     * cluster, our own ping, not a ping.
     *
     * @param sourceHost the datagram's source address, for an empty host in {@code MgmtAddr}
     */
    static HostPort discoveryPing(DiscoveryPing ping, String clusterName, String selfName, String sourceHost) {
        if (ping == null || !DiscoveryPing.TYPE_PING.equals(ping.type())) {
            throw new BadInput("not a ping");
        }
        if (!clusterName.equals(ping.clusterName())) {
            return null;
        }
        String name = nodeName(ping.nodeName());
        if (name.equals(selfName)) {
            return null;
        }
        if (ping.mgmtAddr() == null || ping.mgmtAddr().isEmpty()) {
            throw new BadInput("ping without MgmtAddr");
        }
        return peerAddress("MgmtAddr", ping.mgmtAddr(), sourceHost);
    }
}
