package org.dftp.core.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.tree.Change;

/**
 * What a peer may announce into this node's tree: the one home of those rules, whoever calls them.
 *
 * <ul>
 *   <li>Only its own files: a change whose {@code OwnerNode} is not the update's {@code SenderNodeName}
 *       is dropped ({@link #ownedBy}), so one peer never rewrites another's offers.
 *   <li>No file announced from the future: a {@code LastInfoUpdated} more than the allowed clock skew
 *       ahead of this node's clock is refused, not believed ({@link #latestBelievable}, applied by the
 *       update decoder, {@code UpdateParser}). The most recent announcement of a path wins, so a time of
 *       9999999999 would otherwise take any path from its owner for good.
 *   <li>Never this node's own files' shape: where this node offers a file, no peer makes it a
 *       directory or hides it behind one ({@code DfsTree.apply(changes, local)}, used by the
 *       {@link Reducer} for every event).
 * </ul>
 *
 * <p>Stateless; called from the management server's threads (the decoder's bound) and the store's
 * thread (the reducer).
 */
public final class PeerAnnouncements {
    /** How far ahead of this node's clock a peer's {@code LastInfoUpdated} may be, by default. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private PeerAnnouncements() {
    }

    /**
     * The latest {@code LastInfoUpdated} (Unix seconds) believed now: {@code clock}'s time plus
     * {@code maxSkew}. A later one is refused.
     */
    public static long latestBelievable(Clock clock, Duration maxSkew) {
        return clock.millis() / 1000 + maxSkew.toSeconds();
    }

    /**
     * The changes a peer may make: its own. A node pushes only its own files (docs/PROTOCOL.md), so a
     * change naming another owner is dropped rather than letting one peer rewrite another's offers
     * (and rather than failing the whole update, as {@code replaceOwner} would). {@code changes} itself
     * when all are the sender's.
     */
    public static List<Change> ownedBy(String sender, List<Change> changes) {
        for (int i = 0; i < changes.size(); i++) {
            if (!changes.get(i).owner().equals(sender)) {
                List<Change> own = new ArrayList<>(changes.size());
                for (Change c : changes) {
                    if (c.owner().equals(sender)) {
                        own.add(c);
                    }
                }
                return own;
            }
        }
        return changes;
    }
}
