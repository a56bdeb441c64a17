package org.dftp.core.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One file or directory in an update ({@code POST /update/}), field for field as the original sends it.
 * {@code FileMode} is Go's {@code os.FileMode} as an unsigned 32-bit number.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"FullName", "Basename", "Dir", "LastModified", "LastInfoUpdated", "SizeInBytes",
        "FileMode", "OwnerNode", "Deletion"})
public record FileAnnouncement(
        @JsonProperty("FullName") String fullName,
        @JsonProperty("Basename") String basename,
        @JsonProperty("Dir") boolean dir,
        @JsonProperty("LastModified") long lastModified,
        @JsonProperty("LastInfoUpdated") long lastInfoUpdated,
        @JsonProperty("SizeInBytes") long sizeInBytes,
        @JsonProperty("FileMode") long fileMode,
        @JsonProperty("OwnerNode") String ownerNode,
        @JsonProperty("Deletion") boolean deletion) {
}
