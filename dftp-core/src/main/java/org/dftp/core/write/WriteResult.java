package org.dftp.core.write;

/** What a successful write did to its target: WebDAV answers {@code 201} for one and {@code 204} for the other. */
public enum WriteResult {
    /** The target did not exist before. */
    CREATED,
    /** The target existed and now has the new content. */
    REPLACED
}
