package org.dftp.core.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One multicast discovery datagram. {@code MgmtAddr} may have an empty host (":7041"). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"Type", "ClusterName", "NodeName", "MgmtAddr"})
public record DiscoveryPing(
        @JsonProperty("Type") String type,
        @JsonProperty("ClusterName") String clusterName,
        @JsonProperty("NodeName") String nodeName,
        @JsonProperty("MgmtAddr") String mgmtAddr) {

    public static final String TYPE_PING = "ping";

    public static DiscoveryPing ping(String clusterName, String nodeName, String mgmtAddr) {
        return new DiscoveryPing(TYPE_PING, clusterName, nodeName, mgmtAddr);
    }
}
