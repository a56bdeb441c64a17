package org.dftp.core.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;

/**
 * Parses the body of a {@code POST /update/} incrementally, chunk by chunk as it arrives, with Jackson's
 * non-blocking parser: nothing waits for the whole body, and the body never exists as one text or DOM.
 * The result is one batch of validated {@link Change}s for one {@code UpdateReceived} event; a full update
 * whose entries come in path order (as this project's nodes write them) comes out as a tree of the
 * sender's offers instead, which the receiving tree merges directory by directory.
 *
 * <p>Decoding follows Go's {@code encoding/json} as the original used it: fields in any order, names
 * matched exactly or else ignoring case, unknown fields skipped, {@code null} as the zero value, and
 * anything after the top-level object ignored. Each file goes through {@link Announcements#toChange}
 * (the sender owns what it announces); a file with a bad path ({@code ..}, NUL, empty) or with a field of
 * the wrong type is skipped and counted instead of failing the whole update. Malformed JSON, a wrong type
 * at the top level, a missing {@code SenderNodeName} or too many entries fail with a
 * {@link BadUpdateException}. {@link Wire#JSON} bounds strings and nesting.
 *
 * <p>Not thread-safe: feed one parser from one request, in order. Call {@link #close} if the body is
 * abandoned before {@link #finish}.
 */
public final class UpdateParser implements AutoCloseable {
    /** Default bound on the entries of one update; far above any real tree, far below a heap's end. */
    public static final int DEFAULT_MAX_ENTRIES = 20_000_000;
    /** Deepest nesting skipped inside unknown fields; the wire itself never goes beyond 3. */
    private static final int MAX_SKIP_DEPTH = 16;
    private static final int SCRATCH = 16 * 1024;
    /** Skip reasons kept for the log line; the rest are only counted. */
    private static final int MAX_REASONS = 5;

    private enum State { START, TOP, TOP_VALUE, FILES, ENTRY, ENTRY_VALUE, SKIP, DONE }

    private enum Field {
        FILES, UPDATE_TIME, FULL, SENDER,
        FULL_NAME, BASENAME, DIR, LAST_MODIFIED, LAST_INFO_UPDATED, SIZE, FILE_MODE, OWNER, DELETION,
        UNKNOWN
    }

    /**
     * What an update said.
     *
     * @param sender {@code SenderNodeName}
     * @param full {@code Full}
     * @param updateTime {@code UpdateTime}, Unix seconds by the sender's clock
     * @param changes one change per accepted file, in body order; null when {@code tree} holds them
     * @param skipped files that were refused
     * @param skipReasons why the first few were refused, e.g. {@code "../x: '..' is not allowed in a path"}
     * @param tree a full update in path order: the sender's offers as a tree; else null
     * @param files files accepted
     */
    public record Result(String sender, boolean full, long updateTime, List<Change> changes, int skipped,
                         List<String> skipReasons, DfsTree tree, int files) {
        /** One change per accepted file: in body order, or in path order when the update came as a tree. */
        @Override
        public List<Change> changes() {
            return changes != null ? changes : tree.changes();
        }
    }

    private final int maxEntries;
    /** The latest {@code LastInfoUpdated} believed; a later one refuses its entry (PeerAnnouncements). */
    private final long notAfter;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private byte[] scratch;

    private State state = State.START;
    private State afterSkip;
    private int skipDepth;
    private Field field;

    private String sender;
    private boolean full;
    private long updateTime;
    private int entries;
    private int skipped;
    private final List<String> skipReasons = new ArrayList<>();
    /** Every entry read, as primitives and a path, converted at the end, when {@code SenderNodeName} is known. */
    private final Pending pending = new Pending();
    private List<Change> changes = new ArrayList<>();
    /** The parent of the last path, in wire form and validated, so that siblings share its segments. */
    private String lastParentWire;
    private DfsPath lastParent;

    // the entry being read
    /** Whether the entry named a path; the last {@code FullName} counts, as in Go. */
    private boolean eNamed;
    private DfsPath eParent;
    private String eName;
    /** Why the entry's path was refused, and the path as sent; null while it is fine. */
    private String ePathError;
    private String eShownName;
    private boolean eDir;
    private long eLastModified;
    private long eLastInfoUpdated;
    private long eSize;
    private long eMode;
    private boolean eDeletion;
    private String eBad;

    public UpdateParser() {
        this(DEFAULT_MAX_ENTRIES);
    }

    /** @param maxEntries most files accepted in one update; more fails the update */
    public UpdateParser(int maxEntries) {
        this(maxEntries, Long.MAX_VALUE);
    }

    /**
     * @param maxEntries most files accepted in one update; more fails the update
     * @param notAfter the latest {@code LastInfoUpdated} (Unix seconds) believed: an offer dated later is
     *     refused as a bad entry is (see {@code PeerAnnouncements.latestBelievable})
     */
    public UpdateParser(int maxEntries, long notAfter) {
        this.maxEntries = maxEntries;
        this.notAfter = notAfter;
        try {
            this.parser = Wire.JSON.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException("Jackson cannot make a non-blocking parser", e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    /** Feeds the next bytes of the body and parses as far as they go; {@code b} is not kept. */
    public void feed(byte[] b, int off, int len) {
        if (state == State.DONE || len == 0) {
            return; // like Go's Decoder: whatever follows the object is not read
        }
        try {
            feeder.feedInput(b, off, off + len);
            drain();
        } catch (JsonProcessingException e) {
            throw fail(describe(e), e);
        } catch (IOException e) {
            throw fail(e.toString(), e);
        }
    }

    /** Feeds the remaining bytes of {@code buf} (heap or direct) and advances its position past them. */
    public void feed(ByteBuffer buf) {
        if (buf.hasArray()) {
            int n = buf.remaining();
            feed(buf.array(), buf.arrayOffset() + buf.position(), n);
            buf.position(buf.position() + n);
            return;
        }
        if (scratch == null) {
            scratch = new byte[SCRATCH];
        }
        while (buf.hasRemaining()) {
            int n = Math.min(scratch.length, buf.remaining());
            buf.get(scratch, 0, n);
            feed(scratch, 0, n); // drained before returning, so the scratch array is free again
        }
    }

    /**
     * Ends the input and returns what the update said.
     *
     * @throws BadUpdateException when the body ended early or named no sender
     */
    public Result finish() {
        try {
            if (state != State.DONE) {
                feeder.endOfInput();
                drain();
            }
            if (state != State.DONE) {
                throw fail("unexpected EOF", null);
            }
            if (sender == null || sender.isEmpty()) {
                throw fail("SenderNodeName is missing", null);
            }
            int files = pending.size;
            DfsTree tree = full ? pendingAsTree() : null;
            if (tree == null) {
                flushPending();
            }
            Result r = new Result(sender, full, updateTime, tree == null ? changes : null, skipped,
                    List.copyOf(skipReasons), tree, files);
            changes = List.of();
            pending.clear();
            return r;
        } catch (JsonProcessingException e) {
            throw fail(describe(e), e);
        } catch (IOException e) {
            throw fail(e.toString(), e);
        } finally {
            close();
        }
    }

    /** Entries read so far, accepted or not. */
    public int entriesSeen() {
        return entries;
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            // nothing to release but buffers
        }
    }

    private BadUpdateException fail(String message, Throwable cause) {
        close();
        pending.clear();
        changes = List.of();
        return new BadUpdateException(message, cause);
    }

    /** Jackson's own message without the location trailer, which only names an internal source. */
    private static String describe(JsonProcessingException e) {
        if (e instanceof JsonEOFException) {
            return "unexpected EOF"; // Go's words for a body that ends inside the object
        }
        String m = e.getOriginalMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int source = m.indexOf(" (for ");
        if (source > 0 && m.indexOf("[Source", source) > 0) {
            m = m.substring(0, source); // "(for Object starting at [Source: REDACTED ...])" says nothing
        }
        m = m.replace('\n', ' ');
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    private void drain() throws IOException {
        JsonToken t;
        while (state != State.DONE && (t = parser.nextToken()) != JsonToken.NOT_AVAILABLE) {
            if (t == null) {
                return; // end of input; finish() decides whether that was too early
            }
            step(t);
        }
    }

    private void step(JsonToken t) throws IOException {
        switch (state) {
            case START -> {
                if (t != JsonToken.START_OBJECT) {
                    throw fail("expected a JSON object, found " + describe(t), null);
                }
                state = State.TOP;
            }
            case TOP -> {
                if (t == JsonToken.END_OBJECT) {
                    state = State.DONE;
                } else {
                    field = topField(parser.currentName());
                    state = State.TOP_VALUE;
                }
            }
            case TOP_VALUE -> topValue(t);
            case FILES -> {
                if (t == JsonToken.END_ARRAY) {
                    state = State.TOP;
                } else if (t == JsonToken.START_OBJECT) {
                    startEntry();
                    state = State.ENTRY;
                } else {
                    countEntry();
                    refuse("?", "a file is " + describe(t) + ", not an object");
                    skipValue(t, State.FILES);
                }
            }
            case ENTRY -> {
                if (t == JsonToken.END_OBJECT) {
                    endEntry();
                    state = State.FILES;
                } else {
                    field = entryField(parser.currentName());
                    state = State.ENTRY_VALUE;
                }
            }
            case ENTRY_VALUE -> entryValue(t);
            case SKIP -> {
                if (t.isStructStart()) {
                    if (++skipDepth > MAX_SKIP_DEPTH) {
                        throw fail("nesting deeper than " + MAX_SKIP_DEPTH, null);
                    }
                } else if (t.isStructEnd() && --skipDepth == 0) {
                    state = afterSkip;
                }
            }
            case DONE -> {
                // not reached: drain stops at DONE
            }
        }
    }

    private void topValue(JsonToken t) throws IOException {
        state = State.TOP;
        switch (field) {
            case FILES -> {
                if (t == JsonToken.START_ARRAY) {
                    // Go resets a slice it decodes into: a second "Files" replaces the first
                    pending.clear();
                    changes.clear();
                    state = State.FILES;
                } else if (t == JsonToken.VALUE_NULL) {
                    pending.clear();
                    changes.clear();
                } else {
                    throw fail("Files must be an array, found " + describe(t), null);
                }
            }
            case UPDATE_TIME -> {
                Long v = integer(t);
                if (v == null) {
                    throw fail("UpdateTime must be an integer, found " + describe(t), null);
                }
                updateTime = v;
            }
            case FULL -> {
                Boolean v = bool(t);
                if (v == null) {
                    throw fail("Full must be a boolean, found " + describe(t), null);
                }
                full = v;
            }
            case SENDER -> {
                String v = string(t);
                if (v == null) {
                    throw fail("SenderNodeName must be a string, found " + describe(t), null);
                }
                if (sender != null && !sender.equals(v) && !(pending.size == 0 && changes.isEmpty())) {
                    throw fail("SenderNodeName given twice", null);
                }
                sender = v;
            }
            default -> skipValue(t, State.TOP);
        }
    }

    private void entryValue(JsonToken t) throws IOException {
        state = State.ENTRY;
        switch (field) {
            case FULL_NAME -> {
                if (t == JsonToken.VALUE_STRING) {
                    // Read where the parser holds it: a sibling's name is the only string made.
                    fullName(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
                } else if (t == JsonToken.VALUE_NULL) {
                    fullName(new char[0], 0, 0);
                } else {
                    bad("FullName", t);
                }
            }
            case BASENAME, OWNER -> {
                // not trusted (the path and the sender say it all), but typed like the rest; never read
                if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL) {
                    bad(field == Field.BASENAME ? "Basename" : "OwnerNode", t);
                }
            }
            case DIR, DELETION -> {
                Boolean v = bool(t);
                if (v == null) {
                    bad(field == Field.DIR ? "Dir" : "Deletion", t);
                } else if (field == Field.DIR) {
                    eDir = v;
                } else {
                    eDeletion = v;
                }
            }
            case LAST_MODIFIED, LAST_INFO_UPDATED, SIZE -> {
                Long v = integer(t);
                if (v == null) {
                    bad(field == Field.SIZE ? "SizeInBytes"
                            : field == Field.LAST_MODIFIED ? "LastModified" : "LastInfoUpdated", t);
                } else if (field == Field.SIZE) {
                    eSize = v;
                } else if (field == Field.LAST_MODIFIED) {
                    eLastModified = v;
                } else {
                    eLastInfoUpdated = v;
                }
            }
            case FILE_MODE -> {
                Long v = integer(t);
                if (v == null || v < 0 || v > 0xFFFF_FFFFL) {
                    bad("FileMode", t);
                } else {
                    eMode = v;
                }
            }
            default -> skipValue(t, State.ENTRY);
        }
        if (t.isStructStart() && state == State.ENTRY) {
            skipValue(t, State.ENTRY); // a known field holding an object or array: already marked bad
        }
    }

    private void skipValue(JsonToken t, State then) {
        if (t.isStructStart()) {
            afterSkip = then;
            skipDepth = 1;
            state = State.SKIP;
        } else {
            state = then;
        }
    }

    private void startEntry() {
        countEntry();
        eNamed = false;
        eParent = null;
        eName = null;
        ePathError = null;
        eShownName = null;
        eDir = false;
        eLastModified = 0;
        eLastInfoUpdated = 0;
        eSize = 0;
        eMode = 0;
        eDeletion = false;
        eBad = null;
    }

    private void countEntry() {
        if (++entries > maxEntries) {
            throw fail("more than " + maxEntries + " files in one update", null);
        }
    }

    private void bad(String name, JsonToken t) {
        if (eBad == null) {
            eBad = name + " is " + describe(t);
        }
    }

    private void endEntry() {
        if (eBad != null) {
            refuse(shownName(), eBad);
            return;
        }
        if (!eNamed) {
            refuse("?", "FullName is missing");
            return;
        }
        if (ePathError != null) {
            refuse(eShownName, ePathError);
            return;
        }
        if (!eDeletion && eLastInfoUpdated > notAfter) {
            refuse(shownName(), "LastInfoUpdated " + eLastInfoUpdated + " is " + (eLastInfoUpdated - notAfter)
                    + " s beyond the clock skew allowed");
            return;
        }
        // Kept as primitives until the end: the sender comes last, and a full update in path order then
        // becomes a tree without a change object per entry. The path is kept as its parent (shared by
        // siblings) and its name: half a million entries are then half a million strings, not paths.
        pending.add(eParent, eName, eDir, eDeletion, eLastModified, eLastInfoUpdated, eSize, eMode);
    }

    /** The entry's path for a log line: as sent when it was refused, else as understood. */
    private String shownName() {
        if (eShownName != null) {
            return eShownName;
        }
        if (eName == null) {
            return "?";
        }
        return eParent.isRoot() ? eName : eParent.wire() + "/" + eName;
    }

    /** Takes a {@code FullName} value, {@code len} chars of {@code text} from {@code off}, valid only now. */
    private void fullName(char[] text, int off, int len) {
        eNamed = true;
        eParent = null;
        eName = null;
        ePathError = null;
        eShownName = null;
        try {
            if (!sibling(text, off, len)) {
                locate(new String(text, off, len));
            }
        } catch (BadPathException e) {
            eShownName = new String(text, off, len);
            ePathError = e.getMessage();
        }
    }

    /**
     * The entry's path as {@link #eParent} and {@link #eName} when it is a sibling of the previous path (a full
     * update lists a directory's files one after another): the parent is shared, the name is the only string
     * made, and it is checked by {@link DfsPath#checkChild} with the rules of any path. False when it is not
     * a sibling.
     *
     * @throws BadPathException when it is a sibling whose name is refused
     */
    private boolean sibling(char[] text, int off, int len) {
        if (lastParentWire == null || len > DfsPath.MAX_PATH_BYTES / 4) {
            return false;
        }
        int slash = lastParentWire.length();
        if (slash >= len - 1 || text[off + slash] != '/') {
            return false;
        }
        for (int i = 0; i < slash; i++) {
            if (text[off + i] != lastParentWire.charAt(i)) {
                return false;
            }
        }
        for (int i = slash + 1; i < len; i++) {
            if (text[off + i] == '/') {
                return false; // deeper down: not a sibling
            }
        }
        String name = new String(text, off + slash + 1, len - slash - 1);
        lastParent.checkChild(name);
        eParent = lastParent;
        eName = name;
        return true;
    }

    /** The pending entries as a tree of the sender's offers, or null when they are not in path order or withdraw something. */
    private DfsTree pendingAsTree() {
        DfsTree.Builder b = new DfsTree.Builder();
        long[] n = pending.numbers;
        for (int i = 0; i < pending.size; i++) {
            byte f = pending.flags[i];
            int k = 4 * i;
            if ((f & Pending.DELETION) != 0 || !b.add(pending.parents[i], pending.names[i],
                    Announcements.offer(sender, (f & Pending.DIR) != 0, n[k + 3], n[k + 2], n[k], n[k + 1]))) {
                return null;
            }
        }
        return b.build();
    }

    /** What {@link Announcements#toChange(DfsPath, FileAnnouncement, String)} reads; the path travels apart. */
    private static FileAnnouncement announcement(boolean dir, boolean deletion, long lastModified,
                                                 long lastInfoUpdated, long size, long mode) {
        return new FileAnnouncement(null, null, dir, lastModified, lastInfoUpdated, size, mode, null, deletion);
    }

    /**
     * {@link DfsPath#fromWire} as {@link #eParent} and {@link #eName}, for a path that is not a sibling of the
     * previous one; its parent is kept for the siblings that follow.
     *
     * @throws BadPathException for a path {@code fromWire} refuses, or the root
     */
    private void locate(String fullName) {
        DfsPath p = DfsPath.fromWire(fullName);
        if (p.isRoot()) {
            throw new BadPathException("the root cannot be announced");
        }
        eParent = p.parent();
        eName = p.name();
        int slash = fullName.lastIndexOf('/');
        // at most 1024 chars is at most 4096 UTF-8 bytes: the length limit of fromWire holds for a sibling
        // without counting (see sibling)
        if (slash > 0 && slash < fullName.length() - 1 && fullName.length() <= DfsPath.MAX_PATH_BYTES / 4
                && p.depth() > 1) {
            lastParentWire = fullName.substring(0, slash);
            lastParent = eParent;
        }
    }

    private void flushPending() {
        if (sender == null || sender.isEmpty() || pending.size == 0) {
            return;
        }
        if (changes instanceof ArrayList<Change> list) {
            list.ensureCapacity(list.size() + pending.size);
        }
        for (int i = 0; i < pending.size; i++) {
            long[] n = pending.numbers;
            int k = 4 * i;
            byte f = pending.flags[i];
            changes.add(Announcements.toChange(pending.parents[i].child(pending.names[i]), announcement((f & Pending.DIR) != 0,
                    (f & Pending.DELETION) != 0, n[k], n[k + 1], n[k + 2], n[k + 3]), sender));
            pending.parents[i] = null; // let the path go with its change
            pending.names[i] = null;
        }
        pending.clear();
    }

    /** Parsed entries as parallel arrays: a shared parent and a name per entry, the rest primitives. */
    private static final class Pending {
        static final byte DIR = 1;
        static final byte DELETION = 2;
        DfsPath[] parents = new DfsPath[0];
        String[] names = new String[0];
        long[] numbers = new long[0];
        byte[] flags = new byte[0];
        int size;

        void add(DfsPath parent, String name, boolean dir, boolean deletion, long lastModified, long lastInfoUpdated,
                 long size, long mode) {
            if (this.size == parents.length) {
                int cap = Math.max(1024, parents.length * 2);
                parents = Arrays.copyOf(parents, cap);
                names = Arrays.copyOf(names, cap);
                numbers = Arrays.copyOf(numbers, cap * 4);
                flags = Arrays.copyOf(flags, cap);
            }
            int i = this.size++;
            parents[i] = parent;
            names[i] = name;
            numbers[4 * i] = lastModified;
            numbers[4 * i + 1] = lastInfoUpdated;
            numbers[4 * i + 2] = size;
            numbers[4 * i + 3] = mode;
            flags[i] = (byte) ((dir ? DIR : 0) | (deletion ? DELETION : 0));
        }

        void clear() {
            parents = new DfsPath[0];
            names = new String[0];
            numbers = new long[0];
            flags = new byte[0];
            size = 0;
        }
    }

    private void refuse(String name, String why) {
        skipped++;
        if (skipReasons.size() < MAX_REASONS) {
            String shown = name.length() > 200 ? name.substring(0, 200) + "..." : name;
            skipReasons.add(shown + ": " + why);
        }
    }

    private Long integer(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return 0L;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            return null;
        }
        JsonParser.NumberType nt = parser.getNumberType();
        if (nt != JsonParser.NumberType.INT && nt != JsonParser.NumberType.LONG) {
            return null; // beyond int64, as Go would refuse
        }
        return parser.getLongValue();
    }

    private static Boolean bool(JsonToken t) {
        return switch (t) {
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE, VALUE_NULL -> Boolean.FALSE;
            default -> null;
        };
    }

    private String string(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return "";
        }
        return t == JsonToken.VALUE_STRING ? parser.getText() : null;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer out of range";
            case VALUE_NUMBER_FLOAT -> "a number with a fraction";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private static Field topField(String name) {
        return switch (name) {
            case "Files" -> Field.FILES;
            case "UpdateTime" -> Field.UPDATE_TIME;
            case "Full" -> Field.FULL;
            case "SenderNodeName" -> Field.SENDER;
            default -> switch (name.toLowerCase(Locale.ROOT)) {
                case "files" -> Field.FILES;
                case "updatetime" -> Field.UPDATE_TIME;
                case "full" -> Field.FULL;
                case "sendernodename" -> Field.SENDER;
                default -> Field.UNKNOWN;
            };
        };
    }

    private static Field entryField(String name) {
        return switch (name) {
            case "FullName" -> Field.FULL_NAME;
            case "Basename" -> Field.BASENAME;
            case "Dir" -> Field.DIR;
            case "LastModified" -> Field.LAST_MODIFIED;
            case "LastInfoUpdated" -> Field.LAST_INFO_UPDATED;
            case "SizeInBytes" -> Field.SIZE;
            case "FileMode" -> Field.FILE_MODE;
            case "OwnerNode" -> Field.OWNER;
            case "Deletion" -> Field.DELETION;
            default -> switch (name.toLowerCase(Locale.ROOT)) {
                case "fullname" -> Field.FULL_NAME;
                case "basename" -> Field.BASENAME;
                case "dir" -> Field.DIR;
                case "lastmodified" -> Field.LAST_MODIFIED;
                case "lastinfoupdated" -> Field.LAST_INFO_UPDATED;
                case "sizeinbytes" -> Field.SIZE;
                case "filemode" -> Field.FILE_MODE;
                case "ownernode" -> Field.OWNER;
                case "deletion" -> Field.DELETION;
                default -> Field.UNKNOWN;
            };
        };
    }
}
