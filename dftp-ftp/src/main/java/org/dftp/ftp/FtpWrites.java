package org.dftp.ftp;

import java.util.Objects;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.auth.Users;
import org.dftp.core.write.LocalWrites;

/**
 * What the FTP server lets its users change, and who its users are.
 *
 * @param local carries out the writes this node makes on its own disk; null for a read-only server, which
 *     refuses every write with {@code 550} and says it is read-only
 * @param remote forwards the writes that another node must make; null when this node cannot forward, which
 *     refuses those with {@code 451}
 * @param users who may log in with a password, and where each may write ({@link Users#none()}: nobody)
 * @param throttle the delay per source address after failed logins
 * @param anonymousRead whether {@code anonymous} and {@code ftp} log in, to read only
 * @param maxUploadSize the most bytes an uploaded file may have ({@code 552} beyond); 0 or less for no limit
 */
public record FtpWrites(
        LocalWrites local,
        RemoteWrites remote,
        Users users,
        LoginThrottle throttle,
        boolean anonymousRead,
        long maxUploadSize) {

    public FtpWrites {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(throttle, "throttle");
    }

    /** The server as it was before writes: read-only, anonymous logins only. */
    public static FtpWrites readOnly() {
        return new FtpWrites(null, null, Users.none(), new LoginThrottle(), true, 0);
    }

    /** Whether this server takes writes at all. */
    public boolean writable() {
        return local != null;
    }

    /** The upload limit as {@link LocalWrites#upload} takes it. */
    long uploadLimit() {
        return maxUploadSize > 0 ? maxUploadSize : Long.MAX_VALUE;
    }
}
