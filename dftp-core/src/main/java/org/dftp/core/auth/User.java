package org.dftp.core.auth;

import java.util.Objects;
import org.dftp.core.DfsPath;

/**
 * A user's rights: whether they may write, and where. {@code prefix} is {@link DfsPath#ROOT} when
 * unrestricted; a writer with a prefix may write only at the prefix and below it. The prefix bounds
 * writes only: {@link #mayWrite(DfsPath)} is the one question this record answers.
 */
public record User(String name, boolean mayWrite, DfsPath prefix) {
    /** Who a client is before (or without) logging in: reads everything, writes nothing. */
    public static final User ANONYMOUS = new User("anonymous", false, DfsPath.ROOT);

    public User {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prefix, "prefix");
    }

    /** Whether this user may create, change or remove {@code path}: a writer, and the path within the prefix. */
    public boolean mayWrite(DfsPath path) {
        return mayWrite && path.startsWith(prefix);
    }
}
