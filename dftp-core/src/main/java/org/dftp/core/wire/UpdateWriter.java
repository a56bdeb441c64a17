package org.dftp.core.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;

/**
 * Writes the body of a {@code POST /update/} with Jackson's streaming generator, entry by entry, straight
 * from a tree snapshot: the update never exists as one text or one object graph, so pushing a
 * 500,000-entry full update to several peers at once costs a few buffers per peer.
 *
 * <p>The output is byte for byte what the original writes (dftp-core/src/test/resources/go-dftp/full-update-request.txt):
 * fields {@code Files, UpdateTime, Full, SenderNodeName}, each file's fields in {@link FileAnnouncement}
 * order, and a final newline as Go's {@code json.Encoder} adds.
 *
 * <p>The writer is pulled: {@link #writeSome} writes at least a given number of bytes (or what is left)
 * and returns, so a network sender asks for the next chunk only when the previous one was taken. Not
 * thread-safe; one writer serves one push.
 *
 * <pre>{@code
 * try (UpdateWriter w = UpdateWriter.full(snapshot.tree(), "gb", now)) {
 *     while (w.writeSome(out, 32 * 1024)) { }
 * }
 * }</pre>
 */
public final class UpdateWriter implements AutoCloseable {
    private static final SerializableString FILES = new SerializedString("Files");
    private static final SerializableString UPDATE_TIME = new SerializedString("UpdateTime");
    private static final SerializableString FULL = new SerializedString("Full");
    private static final SerializableString SENDER = new SerializedString("SenderNodeName");
    private static final SerializableString FULL_NAME = new SerializedString("FullName");
    private static final SerializableString BASENAME = new SerializedString("Basename");
    private static final SerializableString DIR = new SerializedString("Dir");
    private static final SerializableString LAST_MODIFIED = new SerializedString("LastModified");
    private static final SerializableString LAST_INFO_UPDATED = new SerializedString("LastInfoUpdated");
    private static final SerializableString SIZE = new SerializedString("SizeInBytes");
    private static final SerializableString FILE_MODE = new SerializedString("FileMode");
    private static final SerializableString OWNER = new SerializedString("OwnerNode");
    private static final SerializableString DELETION = new SerializedString("Deletion");

    /** A full update's entries, straight from the tree; null for an incremental one. */
    private final OwnerWalk walk;
    /** An incremental update's entries; null for a full one. */
    private final Iterator<FileAnnouncement> entries;
    private final SerializableString owner;
    private final String sender;
    private final boolean full;
    private final long updateTime;
    private final CountingSink sink = new CountingSink();
    private final JsonGenerator gen;
    private boolean started;
    private boolean finished;
    private int written;

    private UpdateWriter(OwnerWalk walk, Iterator<FileAnnouncement> entries, String sender, boolean full,
                         long updateTime) {
        this.walk = walk;
        this.entries = entries;
        this.sender = Objects.requireNonNull(sender, "sender");
        this.owner = new SerializedString(sender);
        this.full = full;
        this.updateTime = updateTime;
        try {
            this.gen = Wire.JSON.createGenerator(sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    }

    /**
     * A full update: every offer of {@code owner} in {@code tree}, directories before their contents,
     * siblings by name. Subtrees that hold offers of other nodes only are skipped without being visited.
     *
     * @param tree a snapshot; it is read lazily as the writer is pulled, which is safe since it is immutable
     * @param owner the sending node, whose offers are announced
     * @param updateTime the {@code UpdateTime} field, Unix seconds
     */
    public static UpdateWriter full(DfsTree tree, String owner, long updateTime) {
        return new UpdateWriter(new OwnerWalk(tree, owner), null, owner, true, updateTime);
    }

    /**
     * An incremental update ({@code Full: false}) announcing {@code changes}, all of which must be
     * {@code owner}'s: an offer becomes an announcement, a withdrawal a {@code Deletion: true} entry.
     *
     * @param updateTime the {@code UpdateTime} field, and the {@code LastInfoUpdated} of deletions
     */
    public static UpdateWriter incremental(List<Change> changes, String owner, long updateTime) {
        List<Change> copy = List.copyOf(changes);
        for (Change c : copy) {
            if (!c.owner().equals(owner)) {
                throw new IllegalArgumentException("change of " + c.owner() + " in an update of " + owner);
            }
        }
        Iterator<Change> it = copy.iterator();
        Iterator<FileAnnouncement> entries = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public FileAnnouncement next() {
                Change c = it.next();
                return c.isWithdrawal()
                        ? Announcements.deletion(c.path(), owner, updateTime, false)
                        : Announcements.of(c.path(), c.offer());
            }
        };
        return new UpdateWriter(null, entries, owner, false, updateTime);
    }

    /**
     * Writes the next part of the document to {@code out}: entries until at least {@code minBytes} were
     * written, or the rest of the document. Everything written is flushed to {@code out} before returning.
     *
     * @return true when more is left, false when the document is complete
     */
    public boolean writeSome(OutputStream out, int minBytes) throws IOException {
        if (finished) {
            return false;
        }
        sink.target = out;
        try {
            long goal = sink.count + Math.max(1, minBytes);
            if (!started) {
                gen.writeStartObject();
                gen.writeFieldName(FILES);
                gen.writeStartArray();
                started = true;
            }
            boolean end = false;
            while (sink.count + gen.getOutputBuffered() < goal) {
                if (walk != null ? !walk.advance() : !entries.hasNext()) {
                    end = true;
                    break;
                }
                if (walk != null) {
                    writeCurrent(walk);
                } else {
                    write(entries.next());
                }
                written++;
            }
            if (end) {
                gen.writeEndArray();
                gen.writeFieldName(UPDATE_TIME);
                gen.writeNumber(updateTime);
                gen.writeFieldName(FULL);
                gen.writeBoolean(full);
                gen.writeFieldName(SENDER);
                gen.writeString(sender);
                gen.writeEndObject();
                gen.writeRaw('\n');
                finished = true;
            }
            gen.flush();
            return !finished;
        } finally {
            sink.target = null;
        }
    }

    /** Writes the whole (rest of the) document to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        while (writeSome(out, 64 * 1024)) {
            // keep pulling
        }
    }

    /** Entries written so far. */
    public int entriesWritten() {
        return written;
    }

    /** Bytes written so far. */
    public long bytesWritten() {
        return sink.count;
    }

    /**
     * The walk's current offer, as {@link Announcements#of(String, String, Offer)} announces it, written
     * from the walk's own path buffer: no announcement and no path string per entry.
     */
    private void writeCurrent(OwnerWalk w) throws IOException {
        Offer o = w.offer;
        boolean dir = o.isDirectory();
        writeEntry(w.chars, w.length, w.node.name(), dir, o.lastModified(), o.infoUpdated(), dir ? 0 : o.size(),
                Integer.toUnsignedLong(o.mode()), false);
    }

    private void write(FileAnnouncement a) throws IOException {
        char[] fullName = a.fullName().toCharArray();
        writeEntry(fullName, fullName.length, a.basename(), a.dir(), a.lastModified(), a.lastInfoUpdated(),
                a.sizeInBytes(), a.fileMode(), a.deletion());
    }

    /** One file's object, fields in {@link FileAnnouncement} order; every entry's owner is the sender. */
    private void writeEntry(char[] fullName, int fullNameLength, String basename, boolean dir, long lastModified,
                            long lastInfoUpdated, long size, long mode, boolean deletion) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName(FULL_NAME);
        gen.writeString(fullName, 0, fullNameLength);
        gen.writeFieldName(BASENAME);
        gen.writeString(basename);
        gen.writeFieldName(DIR);
        gen.writeBoolean(dir);
        gen.writeFieldName(LAST_MODIFIED);
        gen.writeNumber(lastModified);
        gen.writeFieldName(LAST_INFO_UPDATED);
        gen.writeNumber(lastInfoUpdated);
        gen.writeFieldName(SIZE);
        gen.writeNumber(size);
        gen.writeFieldName(FILE_MODE);
        gen.writeNumber(mode);
        gen.writeFieldName(OWNER);
        gen.writeString(owner);
        gen.writeFieldName(DELETION);
        gen.writeBoolean(deletion);
        gen.writeEndObject();
    }

    @Override
    public void close() {
        sink.target = null;
        try {
            gen.close(); // AUTO_CLOSE_TARGET is off: nothing reaches a stream any more
        } catch (IOException | RuntimeException e) {
            // closing an unfinished document may complain; there is nothing to release beyond the buffers
        }
    }

    /** The generator's only stream: forwards to the current target, counts what passed. */
    private static final class CountingSink extends OutputStream {
        OutputStream target;
        long count;

        @Override
        public void write(int b) throws IOException {
            target().write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            target().write(b, off, len);
            count += len;
        }

        private OutputStream target() throws IOException {
            if (target == null) {
                throw new IOException("UpdateWriter: no target stream (write outside writeSome?)");
            }
            return target;
        }
    }

    /**
     * Every offer of one owner, depth first with a directory before its contents: a cursor that holds one
     * frame per level and a path buffer, never a list of the entries.
     */
    static final class OwnerWalk {
        private final String owner;
        private final StringBuilder path = new StringBuilder(256);
        private final List<List<DfsNode>> levels = new ArrayList<>();
        private final List<int[]> cursors = new ArrayList<>();
        private final List<Integer> pathLengths = new ArrayList<>();
        /** The current entry: its node, the owner's offer of it, and its wire path in {@code chars[0, length)}. */
        DfsNode node;
        Offer offer;
        char[] chars = new char[256];
        int length;

        OwnerWalk(DfsTree tree, String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            DfsNode root = tree.root();
            if (mayHold(root)) {
                push(root);
            }
        }

        /** Whether anything of {@code owner} can be at or below {@code node}. */
        private boolean mayHold(DfsNode node) {
            if (!node.isDirectory()) {
                return true; // a file's owner() is only its winner; its other offers must be looked at
            }
            String summary = node.owner();
            return summary != null && (summary.equals(owner) || summary.equals(DfsNode.MULTIPLE_OWNERS));
        }

        private void push(DfsNode dir) {
            levels.add(dir.children());
            cursors.add(new int[1]);
            pathLengths.add(path.length());
        }

        /** Moves to the next offer of the owner; false when there is none left. */
        boolean advance() {
            while (!levels.isEmpty()) {
                int top = levels.size() - 1;
                List<DfsNode> children = levels.get(top);
                int[] cursor = cursors.get(top);
                if (cursor[0] == children.size()) {
                    levels.remove(top);
                    cursors.remove(top);
                    pathLengths.remove(top);
                    continue;
                }
                DfsNode child = children.get(cursor[0]++);
                if (!mayHold(child)) {
                    continue;
                }
                path.setLength(pathLengths.get(top));
                if (path.length() > 0) {
                    path.append('/');
                }
                path.append(child.name());
                Offer mine = Announcements.offerOf(child, owner);
                if (mine != null) {
                    length = path.length();
                    if (length > chars.length) {
                        chars = new char[Math.max(length, 2 * chars.length)];
                    }
                    path.getChars(0, length, chars, 0);
                }
                if (child.isDirectory() && !child.children().isEmpty()) {
                    push(child);
                }
                if (mine != null) {
                    node = child;
                    offer = mine;
                    return true;
                }
            }
            node = null;
            offer = null;
            return false;
        }
    }
}
