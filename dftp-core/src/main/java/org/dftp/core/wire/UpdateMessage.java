package org.dftp.core.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The body of {@code POST /update/}. Small updates may travel as this record; full updates are
 * streamed by {@link UpdateWriter} and {@link UpdateParser} instead and never exist as one object.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"Files", "UpdateTime", "Full", "SenderNodeName"})
public record UpdateMessage(
        @JsonProperty("Files") List<FileAnnouncement> files,
        @JsonProperty("UpdateTime") long updateTime,
        @JsonProperty("Full") boolean full,
        @JsonProperty("SenderNodeName") String senderNodeName) {
}
