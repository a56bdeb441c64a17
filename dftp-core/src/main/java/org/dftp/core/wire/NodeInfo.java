package org.dftp.core.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A node as {@code GET /cluster/} describes it; times are Unix seconds, 0 for never. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"Name", "PublicAddr", "MgmtAddr", "LastAlive", "LastUpdatePushed", "LastUpdateReceived",
        "LastFullUpdateReceived"})
public record NodeInfo(
        @JsonProperty("Name") String name,
        @JsonProperty("PublicAddr") String publicAddr,
        @JsonProperty("MgmtAddr") String mgmtAddr,
        @JsonProperty("LastAlive") long lastAlive,
        @JsonProperty("LastUpdatePushed") long lastUpdatePushed,
        @JsonProperty("LastUpdateReceived") long lastUpdateReceived,
        @JsonProperty("LastFullUpdateReceived") long lastFullUpdateReceived) {

    public static NodeInfo of(String name, String publicAddr, String mgmtAddr) {
        return new NodeInfo(name, publicAddr, mgmtAddr, 0, 0, 0, 0);
    }

    public NodeInfo withLastAlive(long t) {
        return t == lastAlive ? this
                : new NodeInfo(name, publicAddr, mgmtAddr, t, lastUpdatePushed, lastUpdateReceived, lastFullUpdateReceived);
    }

    public NodeInfo withLastUpdatePushed(long t) {
        return t == lastUpdatePushed ? this
                : new NodeInfo(name, publicAddr, mgmtAddr, lastAlive, t, lastUpdateReceived, lastFullUpdateReceived);
    }

    public NodeInfo withUpdateReceived(long t, boolean full) {
        return new NodeInfo(name, publicAddr, mgmtAddr, lastAlive, lastUpdatePushed, t,
                full ? t : lastFullUpdateReceived);
    }

    public NodeInfo withAddresses(String publicAddr, String mgmtAddr) {
        return publicAddr.equals(this.publicAddr) && mgmtAddr.equals(this.mgmtAddr) ? this
                : new NodeInfo(name, publicAddr, mgmtAddr, lastAlive, lastUpdatePushed, lastUpdateReceived,
                lastFullUpdateReceived);
    }
}
