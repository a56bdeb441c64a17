package org.dftp.ftp;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.ftpserver.ftplet.Authentication;
import org.apache.ftpserver.ftplet.AuthenticationFailedException;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.usermanager.AnonymousAuthentication;
import org.apache.ftpserver.usermanager.UsernamePasswordAuthentication;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.auth.User;
import org.dftp.core.auth.Users;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who logs in to FTP: {@code anonymous} (or {@code ftp}) with any password, to read, when anonymous reading
 * is on; a user of the {@link Users} file with their password, with their rights. Anything else is
 * refused, which MINA answers with {@code 530}.
 *
 * <p>A password login from an address that failed before waits its {@link LoginThrottle} delay (at most
 * {@value #MAX_DELAY_MILLIS} ms) before it is checked, whatever its outcome, so that a guesser cannot tell
 * a refusal by an early answer. The wait and the PBKDF2 check block MINA's thread of the session, which is
 * the session's own. Passwords are never logged; MINA itself logs {@code PASS *****}.
 */
final class DfsUserManager implements UserManager {
    private static final Logger log = LoggerFactory.getLogger(DfsUserManager.class);
    /** The names FTP clients use for anonymous access. */
    static final Set<String> ANONYMOUS_NAMES = Set.of("anonymous", "ftp");
    static final long MAX_DELAY_MILLIS = 8_000;

    private final Users users;
    private final LoginThrottle throttle;
    private final boolean anonymousRead;
    private final int idleSeconds;
    private final FtpUser anonymous;

    /** @param idleSeconds how long a user's session may stay idle */
    DfsUserManager(FtpWrites writes, int idleSeconds) {
        this.users = writes.users();
        this.throttle = writes.throttle();
        this.anonymousRead = writes.anonymousRead();
        this.idleSeconds = idleSeconds;
        this.anonymous = new FtpUser(User.ANONYMOUS, idleSeconds);
    }

    /**
     * Not answered for named users: MINA asks at {@code USER}, before any password, and the answer must not
     * tell which names exist.
     */
    @Override
    public org.apache.ftpserver.ftplet.User getUserByName(String username) {
        return isAnonymous(username) && anonymousRead ? anonymous : null;
    }

    @Override
    public String[] getAllUserNames() {
        return anonymousRead ? new String[] {User.ANONYMOUS.name()} : new String[0];
    }

    @Override
    public void delete(String username) throws FtpException {
        throw new FtpException("dftp's users are in its users file");
    }

    @Override
    public void save(org.apache.ftpserver.ftplet.User user) throws FtpException {
        throw new FtpException("dftp's users are in its users file");
    }

    @Override
    public boolean doesExist(String username) {
        return getUserByName(username) != null;
    }

    /** MINA turns {@code USER anonymous} into an {@link AnonymousAuthentication}, any other name into a password one. */
    @Override
    public org.apache.ftpserver.ftplet.User authenticate(Authentication authentication)
            throws AuthenticationFailedException {
        if (authentication instanceof AnonymousAuthentication) {
            return anonymous();
        }
        if (!(authentication instanceof UsernamePasswordAuthentication login)) {
            throw new AuthenticationFailedException("only user names and passwords are taken");
        }
        String name = Objects.requireNonNullElse(login.getUsername(), "");
        String password = Objects.requireNonNullElse(login.getPassword(), "");
        if (isAnonymous(name) && users.find(name) == null) {
            return anonymous();
        }
        InetAddress from = login.getUserMetadata() == null ? null : login.getUserMetadata().getInetAddress();
        User user = users.authenticateCached(name, password);
        if (user == null) {
            holdBack(from);
            user = users.authenticate(name, password);
        }
        if (user == null) {
            if (from != null) {
                throttle.failed(from);
            }
            log.info("FTP login of {} from {} refused", printable(name), from == null ? "?" : from.getHostAddress());
            throw new AuthenticationFailedException("wrong user name or password");
        }
        if (from != null) {
            throttle.succeeded(from);
        }
        return new FtpUser(user, idleSeconds);
    }

    private FtpUser anonymous() throws AuthenticationFailedException {
        if (!anonymousRead) {
            throw new AuthenticationFailedException("anonymous login is off");
        }
        return anonymous;
    }

    /** Waits the address's throttle delay. */
    private void holdBack(InetAddress from) {
        long delay = from == null ? 0 : Math.min(throttle.delayMillis(from), MAX_DELAY_MILLIS);
        if (delay <= 0) {
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the session is closing: answer at once
        }
    }

    static boolean isAnonymous(String name) {
        return name != null && ANONYMOUS_NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /** A client's user name goes into a log line: nothing in it may forge another line. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 64));
        s.codePoints().limit(64).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
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
