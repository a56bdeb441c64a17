package org.dftp.core.tree;

import java.util.List;

/**
 * An entry of the {@link DfsTree}: a file or a directory, with the offers that nodes of the cluster
 * made for it. Immutable; shared between successive trees when untouched.
 *
 * <p>A path is a directory when any offer of it says so or when anything lies below it; otherwise
 * it is a file, served by the owner of its winning offer.
 */
public abstract sealed class DfsNode permits FileNode, DirNode {
    /** Owner shown for a directory whose content comes from several nodes, as the original did. */
    public static final String MULTIPLE_OWNERS = "(multiple)";

    final String name;
    final Offer offers;

    DfsNode(String name, Offer offers) {
        this.name = name;
        this.offers = offers;
    }

    /** The last segment of the path; empty for the root. */
    public final String name() {
        return name;
    }

    /** The winning offer, or null for a directory that exists only because of what lies below it. */
    public final Offer offer() {
        return offers;
    }

    public abstract boolean isDirectory();

    /** The children sorted by name; empty for a file. */
    public abstract List<DfsNode> children();

    /** The child called {@code name}, or null. */
    public abstract DfsNode child(String name);

    /**
     * For a file, the node serving it: the owner of the winning offer. For a directory, the one node
     * that offers it or anything below it, or {@link #MULTIPLE_OWNERS} when several do.
     */
    public abstract String owner();

    public final long size() {
        return offers == null || isDirectory() ? 0 : offers.size();
    }

    /** Modification time in Unix seconds; 0 when no node announced one. */
    public final long lastModified() {
        return offers == null ? 0 : offers.lastModified();
    }

    @Override
    public String toString() {
        return (isDirectory() ? "dir " : "file ") + name + " " + owner();
    }
}
