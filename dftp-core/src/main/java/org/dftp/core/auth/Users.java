package org.dftp.core.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users file: who may log in, with which password, and what they may write. One user a line,
 * {@code name:hash:read|write[:path-prefix]}, the hash made by {@link PasswordHash#hash}; blank lines and
 * lines starting with {@code #} are ignored, and whitespace around a line is. A user name is 1 to 64 of
 * {@code A-Z a-z 0-9 . _ @ -}; the prefix (default {@code /}) bounds where a writer writes.
 *
 * <p>A mistake in the file is an {@link IOException} naming the file, the line and what is wrong, never
 * the hash or anything else that might be a secret: the message ends up in logs and on terminals.
 *
 * <p>The file is re-read when it changes, so users can be added or revoked without a restart: at most
 * once a second (by the {@link Clock} given to {@link #load(Path, Clock)}) a login or {@link #find}
 * looks at its modification time and size. A changed file that is bad, or a deleted file, leaves the
 * users as they were and logs one warning; a running node does not lock everyone out over a typo.
 *
 * <p>Checking a password costs a tenth of a second of PBKDF2, too long for an event loop.
 * {@link #authenticateCached} answers without it for a name and password that verified before, from a
 * cache of HMACs under a key that never leaves this process; anything else is left to
 * {@link #authenticate} on a thread that may block.
 */
public final class Users {
    private static final Logger log = LoggerFactory.getLogger(Users.class);

    static final long CHECK_INTERVAL_MILLIS = 1_000;
    static final int CACHE_ENTRIES = 1_024;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final String FORMAT = "expected name:hash:read|write[:path-prefix]";
    private static final String CACHE_MAC = "HmacSHA256";
    /** The cache holds HMACs under this key rather than passwords, or hashes anyone could recompute. */
    private static final SecretKeySpec CACHE_KEY = randomKey();

    /** The file, or null for {@link #none()}. */
    private final Path file;
    private final Clock clock;
    private volatile Snapshot current;
    /** Taken by the one thread that looks at the file; logins go on with {@link #current} meanwhile. */
    private final Object reloadLock = new Object();
    /** When the file is next looked at, in {@link Clock#millis()}. */
    private volatile long nextCheckMillis;
    /** The file as last looked at, good or bad, so each change is read (and warned about) once; under reloadLock. */
    private Stamp seen;

    private Users(Path file, Clock clock, Snapshot snapshot, Stamp stamp) {
        this.file = file;
        this.clock = clock;
        this.current = snapshot;
        this.seen = stamp;
        this.nextCheckMillis = clock == null ? Long.MAX_VALUE : clock.millis() + CHECK_INTERVAL_MILLIS;
    }

    /** No users file: nobody authenticates, and {@link #isEmpty()} is true. */
    public static Users none() {
        return new Users(null, null, new Snapshot(Map.of()), null);
    }

    /** The users of {@code file}, re-read by the system clock. */
    public static Users load(Path file) throws IOException {
        return load(file, Clock.systemUTC());
    }

    /** The users of {@code file}; {@code clock} paces the checks for changes. */
    public static Users load(Path file, Clock clock) throws IOException {
        Stamp stamp = stat(file);
        return new Users(file, clock, parse(file), stamp);
    }

    /**
     * The user {@code name} when {@code password} is theirs, else null. Blocks for one PBKDF2: run it off
     * the event loop. An unknown name costs the same PBKDF2 against a hash nothing matches, so how long a
     * refusal takes does not tell which names exist.
     */
    public User authenticate(String name, String password) {
        if (name == null || password == null) {
            return null;
        }
        reloadIfChanged();
        Snapshot s = current;
        Entry entry = s.users.get(name);
        char[] chars = password.toCharArray();
        try {
            if (entry == null) {
                PasswordHash.verify(chars, s.dummyHash);
                return null;
            }
            if (!PasswordHash.verify(chars, entry.hash)) {
                return null;
            }
        } finally {
            Arrays.fill(chars, '\0');
        }
        // Into the cache of the users it was checked against: a reload meanwhile starts from an empty one.
        s.verified.put(name, mac(password));
        return entry.user;
    }

    /**
     * The user {@code name} when exactly this name and password succeeded in {@link #authenticate} since
     * the file was last read; else null, and the caller runs {@link #authenticate} on a blocking thread.
     * Never waits for a password check; once a second it looks at the file (a {@code stat}, and a read of
     * it when it changed, which empties the cache), so a revoked user is refused within a second of the
     * change rather than served from the cache.
     */
    public User authenticateCached(String name, String password) {
        if (name == null || password == null) {
            return null;
        }
        // Due a look at the file: take it here (one stat, and a read of a few lines when it changed), so
        // that a revoked user is refused at once and an unchanged file does not cost everyone a PBKDF2.
        reloadIfChanged();
        Snapshot s = current;
        Entry entry = s.users.get(name);
        byte[] known = entry == null ? null : s.verified.get(name);
        if (known == null) {
            return null;
        }
        return MessageDigest.isEqual(known, mac(password)) ? entry.user : null;
    }

    /** The rights of {@code name} without a password, for a caller a peer node vouches for; null when unknown. */
    public User find(String name) {
        if (name == null) {
            return null;
        }
        reloadIfChanged();
        Entry entry = current.users.get(name);
        return entry == null ? null : entry.user;
    }

    /** Whether nobody can log in: no users file, or one without users. */
    public boolean isEmpty() {
        return current.users.isEmpty();
    }

    /**
     * Re-reads the file when its modification time or size changed, looking at most once per
     * {@link #CHECK_INTERVAL_MILLIS}. A bad or vanished file keeps the users there were, with one warning
     * per change. A change that keeps both the time and the size (two writes within the file system's
     * time resolution) goes unnoticed until the next one.
     */
    void reloadIfChanged() {
        if (file == null) {
            return;
        }
        long now = clock.millis();
        if (now < nextCheckMillis) {
            return;
        }
        synchronized (reloadLock) {
            if (now < nextCheckMillis) {
                return;
            }
            nextCheckMillis = now + CHECK_INTERVAL_MILLIS;
            Stamp stamp;
            String trouble = null;
            try {
                stamp = stat(file);
            } catch (NoSuchFileException e) {
                stamp = Stamp.UNREADABLE;
                trouble = "users file " + file + " is gone";
            } catch (IOException e) {
                stamp = Stamp.UNREADABLE;
                trouble = "users file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")";
            }
            if (stamp.equals(seen)) {
                return;
            }
            seen = stamp;
            if (trouble == null) {
                try {
                    current = parse(file);
                    log.info("users file {} changed: {} users", file, current.users.size());
                    return;
                } catch (IOException e) {
                    trouble = e.getMessage();
                }
            }
            log.warn("{}; keeping the {} users read before", trouble, current.users.size());
        }
    }

    private static Stamp stat(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(a.lastModifiedTime(), a.size());
    }

    private static Snapshot parse(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        Map<String, Entry> users = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        // A byte order mark, as some Windows editors write one, is not part of the first name.
        int start = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB
                && bytes[2] == (byte) 0xBF ? 3 : 0;
        for (int number = 1; start <= bytes.length; number++) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            String line = decode(file, number, bytes, start, end).strip();
            start = end + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Entry entry = parseLine(file, number, line);
            Integer first = lineOf.putIfAbsent(entry.user.name(), number);
            if (first != null) {
                throw bad(file, number, "user " + entry.user.name() + " is already on line " + first);
            }
            users.put(entry.user.name(), entry);
        }
        return new Snapshot(Collections.unmodifiableMap(users));
    }

    /** One line, strictly UTF-8: a mis-encoded prefix would otherwise become a different path. */
    private static String decode(Path file, int number, byte[] bytes, int start, int end) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, end - start))
                    .toString();
        } catch (CharacterCodingException e) {
            throw bad(file, number, "not valid UTF-8");
        }
    }

    /**
     * A line that is not blank or a comment. Until the name is known to be a name nothing of the line is
     * quoted: a line of the wrong shape may be a pasted password.
     */
    private static Entry parseLine(Path file, int number, String line) throws IOException {
        String[] fields = line.split(":", 4);
        if (fields.length < 3) {
            throw bad(file, number, FORMAT);
        }
        String name = fields[0];
        if (!NAME.matcher(name).matches()) {
            throw bad(file, number, "a user name is 1 to 64 of A-Z a-z 0-9 . _ @ -");
        }
        if (!PasswordHash.isWellFormed(fields[1])) {
            throw bad(file, number, "user " + name + ": malformed password hash (make one with dftp hash-password)");
        }
        boolean mayWrite;
        switch (fields[2]) {
            case "read" -> mayWrite = false;
            case "write" -> mayWrite = true;
            default -> throw bad(file, number, "user " + name + ": rights must be read or write");
        }
        DfsPath prefix = DfsPath.ROOT;
        if (fields.length == 4) {
            try {
                prefix = DfsPath.of(fields[3]);
            } catch (BadPathException e) {
                throw bad(file, number, "user " + name + ": bad path prefix: " + e.getMessage());
            }
        }
        return new Entry(new User(name, mayWrite, prefix), fields[1]);
    }

    private static IOException bad(Path file, int number, String what) {
        return new IOException(file + ":" + number + ": " + what);
    }

    private static byte[] mac(String password) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance(CACHE_MAC);
            mac.init(CACHE_KEY);
            return mac.doFinal(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(CACHE_MAC + " is not available", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static SecretKeySpec randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SecretKeySpec(key, CACHE_MAC);
    }

    private record Entry(User user, String hash) {
    }

    /** What the file looked like: a change of either means it is read again. */
    private record Stamp(FileTime mtime, long size) {
        static final Stamp UNREADABLE = new Stamp(null, -1);
    }

    /** The users of one reading of the file, with the logins verified against exactly these. */
    private static final class Snapshot {
        final Map<String, Entry> users;
        /**
         * What an unknown name is checked against: as costly as the first user's hash, since in
         * practice every line of a file is made with the same count.
         */
        final String dummyHash;
        /** Name to HMAC of the password that verified, the least recently used dropped first. */
        final Map<String, byte[]> verified = Collections.synchronizedMap(
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                        return size() > CACHE_ENTRIES;
                    }
                });

        Snapshot(Map<String, Entry> users) {
            this.users = users;
            this.dummyHash = PasswordHash.dummy(users.values().stream()
                    .findFirst()
                    .map(e -> PasswordHash.iterations(e.hash))
                    .orElse(PasswordHash.DEFAULT_ITERATIONS));
        }
    }
}
