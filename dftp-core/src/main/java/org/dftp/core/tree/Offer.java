package org.dftp.core.tree;

import java.util.Objects;

/**
 * One node's claim to a path: who offers it and with what attributes. Immutable.
 *
 * <p>Offers of one path form an immutable list ordered by precedence (see {@link #precedes}): the head
 * is the winning offer, whose owner serves the path. The list is a chain of {@code next} references
 * rather than an array because almost every path has exactly one offer, and the chain then costs no
 * array object: the tree stays compact with the whole cluster's files in every node's heap.
 */
public final class Offer {
    /** Go's {@code os.ModeDir}: bit 31 of the wire {@code FileMode}. */
    public static final int MODE_DIR = 1 << 31;
    /** Go's {@code os.ModeSymlink}: bit 27. */
    public static final int MODE_SYMLINK = 1 << 27;

    private final String owner;
    private final int mode;
    private final long size;
    private final long lastModified;
    private final long infoUpdated;
    private final Offer next;

    private Offer(String owner, int mode, long size, long lastModified, long infoUpdated, Offer next) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.mode = mode;
        this.size = size;
        this.lastModified = lastModified;
        this.infoUpdated = infoUpdated;
        this.next = next;
    }

    /**
     * A single offer.
     *
     * @param owner the offering node's name
     * @param mode Go's {@code os.FileMode} bits; {@link #MODE_DIR} marks a directory
     * @param size size in bytes (0 for a directory)
     * @param lastModified modification time, Unix seconds
     * @param infoUpdated when the owner last announced it ({@code LastInfoUpdated}), Unix seconds
     */
    public static Offer of(String owner, int mode, long size, long lastModified, long infoUpdated) {
        return new Offer(owner, mode, Math.max(0, size), lastModified, infoUpdated, null);
    }

    public String owner() {
        return owner;
    }

    public int mode() {
        return mode;
    }

    public boolean isDirectory() {
        return (mode & MODE_DIR) != 0;
    }

    /** The permission bits, e.g. {@code 0644}. */
    public int permissions() {
        return mode & 0777;
    }

    public long size() {
        return size;
    }

    public long lastModified() {
        return lastModified;
    }

    public long infoUpdated() {
        return infoUpdated;
    }

    /** The next offer of the same path in precedence order, or null. */
    public Offer next() {
        return next;
    }

    /**
     * Whether this offer wins over {@code other}: the more recent announcement wins and equal times
     * break by node name, so that every node resolves the same owner whatever order updates came in.
     */
    public boolean precedes(Offer other) {
        if (infoUpdated != other.infoUpdated) {
            return infoUpdated > other.infoUpdated;
        }
        return owner.compareTo(other.owner) < 0;
    }

    /** Whether both describe the same attributes from the same owner (the chain is not compared). */
    public boolean sameAs(Offer o) {
        return o != null && owner.equals(o.owner) && mode == o.mode && size == o.size
                && lastModified == o.lastModified && infoUpdated == o.infoUpdated;
    }

    /**
     * The list {@code head} with {@code offer} in place of any offer of the same owner.
     * Returns {@code head} itself when it already holds an equal offer.
     */
    public static Offer plus(Offer head, Offer offer) {
        for (Offer o = head; o != null; o = o.next) {
            if (o.owner.equals(offer.owner)) {
                if (o.sameAs(offer)) {
                    return head;
                }
                head = minus(head, offer.owner);
                break;
            }
        }
        return insert(head, offer);
    }

    private static Offer insert(Offer head, Offer offer) {
        if (head == null || offer.precedes(head)) {
            // The offer of a change is usually kept as it is: no copy, and no garbage per entry.
            return offer.next == head ? offer
                    : new Offer(offer.owner, offer.mode, offer.size, offer.lastModified, offer.infoUpdated, head);
        }
        Offer rest = insert(head.next, offer);
        return new Offer(head.owner, head.mode, head.size, head.lastModified, head.infoUpdated, rest);
    }

    /** The list {@code head} without the offer of {@code owner}; {@code head} itself when it has none. */
    public static Offer minus(Offer head, String owner) {
        if (head == null) {
            return null;
        }
        if (head.owner.equals(owner)) {
            return head.next;
        }
        Offer rest = minus(head.next, owner);
        return rest == head.next ? head
                : new Offer(head.owner, head.mode, head.size, head.lastModified, head.infoUpdated, rest);
    }

    /** The list {@code head} without its directory offers; {@code head} itself when it has none. */
    public static Offer withoutDirectories(Offer head) {
        for (Offer o = head; o != null; o = o.next) {
            if (o.isDirectory()) {
                return withoutDirectories(minus(head, o.owner));
            }
        }
        return head;
    }

    /** The offer of {@code owner} in the list, or null. */
    public static Offer find(Offer head, String owner) {
        for (Offer o = head; o != null; o = o.next) {
            if (o.owner.equals(owner)) {
                return o;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return owner + (isDirectory() ? ":dir" : ":" + size) + "@" + infoUpdated;
    }
}
