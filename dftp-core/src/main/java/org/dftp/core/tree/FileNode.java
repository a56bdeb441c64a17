package org.dftp.core.tree;

import java.util.List;

/** A file: a name and its offers, nothing else, since files are most of the tree. */
final class FileNode extends DfsNode {
    FileNode(String name, Offer offers) {
        super(name, offers);
    }

    @Override
    public boolean isDirectory() {
        return false;
    }

    @Override
    public List<DfsNode> children() {
        return List.of();
    }

    @Override
    public DfsNode child(String name) {
        return null;
    }

    @Override
    public String owner() {
        return offers.owner();
    }
}
