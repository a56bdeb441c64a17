package org.dftp.core.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/** The body of {@code GET /cluster/} and of the answer to a greeting. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"Name", "Me", "Peers"})
public record ClusterInfo(
        @JsonProperty("Name") String name,
        @JsonProperty("Me") NodeInfo me,
        @JsonProperty("Peers") Map<String, NodeInfo> peers) {
}
