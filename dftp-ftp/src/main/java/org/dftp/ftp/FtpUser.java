package org.dftp.ftp;

import java.util.List;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.ConcurrentLoginPermission;
import org.dftp.core.auth.User;

/**
 * A logged-in FTP user as MINA keeps it, with the dftp {@link User} whose rights every write is checked
 * against ({@link DfsWrites#check}). It holds no MINA write permission: MINA's own write commands are
 * replaced by dftp's, which ask the dftp user.
 */
final class FtpUser extends BaseUser {
    private final User rights;

    FtpUser(User rights, int idleSeconds) {
        this.rights = rights;
        setName(rights.name());
        setEnabled(true);
        setHomeDirectory("/");
        setMaxIdleTime(idleSeconds);
        // MINA refuses a login that no authority vouches for; 0 = no per-user limit, the server's
        // connection limit is the one that counts.
        setAuthorities(List.of(new ConcurrentLoginPermission(0, 0)));
    }

    User rights() {
        return rights;
    }

    /** The rights of whoever MINA says is logged in: anonymous for anything that is not an {@code FtpUser}. */
    static User rightsOf(org.apache.ftpserver.ftplet.User user) {
        return user instanceof FtpUser f ? f.rights : User.ANONYMOUS;
    }
}
