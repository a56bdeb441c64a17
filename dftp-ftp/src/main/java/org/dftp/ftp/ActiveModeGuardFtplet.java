package org.dftp.ftp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;

/**
 * Refuses {@code PORT} and {@code EPRT} to any address but the client's own with {@code 504}: otherwise
 * a client could make this server connect to a third host and send it data (the FTP bounce attack).
 * MINA's active-mode IP check is on too, but it answers {@code 501}, which says "syntax error"; a
 * well-formed command to another host is a refused parameter. Malformed arguments are left to MINA.
 */
final class ActiveModeGuardFtplet extends DefaultFtplet {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    @Override
    public FtpletResult beforeCommand(FtpSession session, FtpRequest request) throws FtpException {
        String command = request.getCommand().toUpperCase(Locale.ROOT);
        if (!command.equals("PORT") && !command.equals("EPRT")) {
            return FtpletResult.DEFAULT;
        }
        InetAddress target = command.equals("PORT") ? portHost(request.getArgument()) : eprtHost(request.getArgument());
        if (target == null || target.equals(session.getClientAddress().getAddress())) {
            return FtpletResult.DEFAULT;
        }
        session.write(new DefaultFtpReply(FtpReply.REPLY_504_COMMAND_NOT_IMPLEMENTED_FOR_THAT_PARAMETER,
                command + " refused: data connections go only to your own address."));
        return FtpletResult.SKIP;
    }

    /** The host of {@code h1,h2,h3,h4,p1,p2}, or null when that is not its form. */
    static InetAddress portHost(String argument) {
        if (argument == null) {
            return null;
        }
        String[] fields = argument.trim().split(",");
        if (fields.length != 6) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            int b = parseByte(fields[i].trim());
            if (b < 0) {
                return null;
            }
            address[i] = (byte) b;
        }
        return byAddress(address);
    }

    /**
     * The host of {@code <d>proto<d>address<d>port<d>} (RFC 2428), or null when that is not its form. An
     * address that is no IP literal comes back as the unspecified address, which no client has: refusing
     * it is safer than resolving a name the client chose.
     */
    static InetAddress eprtHost(String argument) {
        if (argument == null || argument.trim().length() < 2) {
            return null;
        }
        String arg = argument.trim();
        String[] fields = arg.split(Pattern.quote(arg.substring(0, 1)), -1);
        if (fields.length != 5 || !fields[0].isEmpty() || !fields[4].isEmpty()) {
            return null;
        }
        String host = fields[2];
        boolean literal = fields[1].equals("1") ? IPV4.matcher(host).matches()
                : fields[1].equals("2") && IPV6.matcher(host).matches();
        try {
            // Only literals reach getByName, which then parses them without asking any name service.
            return InetAddress.getByName(literal ? host : "0.0.0.0");
        } catch (UnknownHostException e) {
            return null; // a malformed literal: MINA answers it as a syntax error
        }
    }

    private static int parseByte(String s) {
        if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int b = Integer.parseInt(s);
        return b <= 255 ? b : -1;
    }

    private static InetAddress byAddress(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only thrown for a wrong length, and this one is 4
        }
    }
}
