package org.dftp.core.tree;

import java.util.Objects;
import org.dftp.core.DfsPath;

/**
 * One fact about one path from one owner: it offers the path with these attributes, or it withdraws
 * its offer. Changes are applied to a {@link DfsTree} in batches.
 *
 * @param path the path (never the root)
 * @param owner the node making the change
 * @param offer the new offer, or null to withdraw the owner's offer
 */
public record Change(DfsPath path, String owner, Offer offer) {
    public Change {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(owner, "owner");
        if (path.isRoot()) {
            throw new IllegalArgumentException("the root takes no offers");
        }
        if (offer != null && !offer.owner().equals(owner)) {
            throw new IllegalArgumentException("offer of " + offer.owner() + " in a change of " + owner);
        }
    }

    public static Change offer(DfsPath path, Offer offer) {
        return new Change(path, offer.owner(), offer);
    }

    public static Change withdraw(DfsPath path, String owner) {
        return new Change(path, owner, null);
    }

    public boolean isWithdrawal() {
        return offer == null;
    }
}
