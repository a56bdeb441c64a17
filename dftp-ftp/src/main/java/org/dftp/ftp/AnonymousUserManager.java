package org.dftp.ftp;

import java.util.List;
import org.apache.ftpserver.ftplet.Authentication;
import org.apache.ftpserver.ftplet.AuthenticationFailedException;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.User;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.usermanager.AnonymousAuthentication;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.ConcurrentLoginPermission;

/**
 * The only user until the writes issue brings named ones: {@code anonymous}, with any password, as
 * the original dftp allowed. It holds no write permission, so MINA's own checks refuse writes as well.
 */
final class AnonymousUserManager implements UserManager {
    private final BaseUser anonymous = new BaseUser();

    /** @param idleSeconds how long the user's session may stay idle */
    AnonymousUserManager(int idleSeconds) {
        anonymous.setName(ANONYMOUS);
        anonymous.setEnabled(true);
        anonymous.setHomeDirectory("/");
        anonymous.setMaxIdleTime(idleSeconds);
        // MINA refuses a login that no authority vouches for; 0 = no per-user limit, the server's
        // connection limit is the one that counts.
        anonymous.setAuthorities(List.of(new ConcurrentLoginPermission(0, 0)));
    }

    @Override
    public User getUserByName(String username) {
        return ANONYMOUS.equals(username) ? anonymous : null;
    }

    @Override
    public String[] getAllUserNames() {
        return new String[] {ANONYMOUS};
    }

    @Override
    public void delete(String username) throws FtpException {
        throw new FtpException("dftp has no user accounts to delete");
    }

    @Override
    public void save(User user) throws FtpException {
        throw new FtpException("dftp has no user accounts to save");
    }

    @Override
    public boolean doesExist(String username) {
        return ANONYMOUS.equals(username);
    }

    /** MINA turns {@code USER anonymous} into an {@link AnonymousAuthentication} whatever the password. */
    @Override
    public User authenticate(Authentication authentication) throws AuthenticationFailedException {
        if (authentication instanceof AnonymousAuthentication) {
            return anonymous;
        }
        throw new AuthenticationFailedException("only anonymous login is available");
    }

    /** No such user exists: nobody is an administrator of a dftp FTP server. */
    @Override
    public String getAdminName() {
        return "admin";
    }

    @Override
    public boolean isAdmin(String username) {
        return false;
    }
}
