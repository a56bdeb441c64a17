package org.dftp.ftp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ftpserver.message.MessageResource;
import org.apache.ftpserver.message.MessageResourceFactory;

/**
 * MINA's reply texts with dftp's own where they matter: a welcome banner naming dftp and the node, and a
 * {@code FEAT} list that advertises only what this server does (MINA's default lists TLS and MODE Z, which
 * a server without a certificate does not offer, and MFMT, which a read-only one does not).
 */
final class DftpMessages implements MessageResource {
    private final MessageResource mina = new MessageResourceFactory().createMessageResource();
    private final Map<String, String> own = new HashMap<>();

    DftpMessages(String nodeName) {
        this(nodeName, false, true);
    }

    /**
     * @param writable whether the server takes writes
     * @param anonymousRead whether anonymous logins are on
     */
    DftpMessages(String nodeName, boolean writable, boolean anonymousRead) {
        this(nodeName, writable, anonymousRead, false);
    }

    /**
     * @param writable whether the server takes writes
     * @param anonymousRead whether anonymous logins are on
     * @param tls whether {@code AUTH TLS} is offered
     */
    DftpMessages(String nodeName, boolean writable, boolean anonymousRead, boolean tls) {
        String login = writable ? (anonymousRead ? "log in as anonymous to read, as your dftp user to write"
                : "log in as your dftp user") : (anonymousRead ? "read-only, log in as anonymous" : "read-only, log in as your dftp user");
        own.put("220", "dftp FTP server on node " + printable(nodeName) + " ready: the whole DFS, " + login);
        own.put("211.FEAT", feat(writable, tls));
    }

    /** The {@code FEAT} reply: one feature a line, in alphabetical order, as vsftpd lists them. */
    static String feat(boolean writable, boolean tls) {
        List<String> features = new ArrayList<>();
        if (tls) {
            features.addAll(List.of("AUTH SSL", "AUTH TLS"));
        }
        features.addAll(List.of("EPRT", "EPSV", "MDTM"));
        if (writable) {
            features.add("MFMT");
        }
        features.addAll(List.of("MLST Size*;Modify*;Type*;Perm;", "PASV"));
        if (tls) {
            features.addAll(List.of("PBSZ", "PROT"));
        }
        features.addAll(List.of("REST STREAM", "SIZE", "TVFS", "UTF8"));
        StringBuilder sb = new StringBuilder("Extensions supported\n");
        features.forEach(f -> sb.append(' ').append(f).append('\n'));
        return sb.append("End").toString();
    }

    /** A node name goes into a reply line: nothing in it may end the line early. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }

    @Override
    public List<String> getAvailableLanguages() {
        return mina.getAvailableLanguages();
    }

    @Override
    public String getMessage(int code, String subId, String language) {
        String own = this.own.get(subId == null ? String.valueOf(code) : code + "." + subId);
        return own != null ? own : mina.getMessage(code, subId, language);
    }

    @Override
    public Map<String, String> getMessages(String language) {
        Map<String, String> all = new HashMap<>(mina.getMessages(language));
        all.putAll(own);
        return all;
    }
}
