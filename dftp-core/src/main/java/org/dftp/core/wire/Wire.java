package org.dftp.core.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson configuration of the wire protocol, shared by every reader and writer. */
public final class Wire {
    /**
     * Limits on what a peer may send: names are paths (at most 4 KiB), and nothing on the wire nests
     * deeper than a few levels.
     */
    public static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(64 * 1024)
                    .maxNestingDepth(16)
                    .build())
            .build();

    public static final ObjectMapper MAPPER = new ObjectMapper(JSON)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);

    private Wire() {
    }
}
