package org.dftp.core.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One multicast discovery datagram. {@code MgmtAddr} may have an empty host (":7041"). {@code Sig} is
 * dftp's, only in a cluster with a secret (absent otherwise, so the datagram stays the original's).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"Type", "ClusterName", "NodeName", "MgmtAddr", "Sig"})
public record DiscoveryPing(
        @JsonProperty("Type") String type,
        @JsonProperty("ClusterName") String clusterName,
        @JsonProperty("NodeName") String nodeName,
        @JsonProperty("MgmtAddr") String mgmtAddr,
        @JsonProperty("Sig") @JsonInclude(JsonInclude.Include.NON_NULL) String sig) {

    public static final String TYPE_PING = "ping";

    public DiscoveryPing(String type, String clusterName, String nodeName, String mgmtAddr) {
        this(type, clusterName, nodeName, mgmtAddr, null);
    }

    public static DiscoveryPing ping(String clusterName, String nodeName, String mgmtAddr) {
        return new DiscoveryPing(TYPE_PING, clusterName, nodeName, mgmtAddr);
    }

    /** This ping carrying {@code sig}. */
    public DiscoveryPing withSig(String sig) {
        return new DiscoveryPing(type, clusterName, nodeName, mgmtAddr, sig);
    }
}
