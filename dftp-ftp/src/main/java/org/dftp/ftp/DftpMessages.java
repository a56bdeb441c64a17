package org.dftp.ftp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ftpserver.message.MessageResource;
import org.apache.ftpserver.message.MessageResourceFactory;

/**
 * MINA's reply texts with dftp's own where they matter: a welcome banner naming dftp and the node, and a
 * {@code FEAT} list that advertises only what this server does (MINA's default lists TLS, MODE Z and
 * MFMT, which a read-only server without TLS does not offer).
 */
final class DftpMessages implements MessageResource {
    private static final String FEAT = "Extensions supported\n"
            + " EPRT\n EPSV\n MDTM\n MLST Size*;Modify*;Type*;Perm;\n PASV\n REST STREAM\n SIZE\n TVFS\n UTF8\n"
            + "End";

    private final MessageResource mina = new MessageResourceFactory().createMessageResource();
    private final Map<String, String> own = new HashMap<>();

    DftpMessages(String nodeName) {
        own.put("220", "dftp FTP server on node " + printable(nodeName)
                + " ready: the whole DFS, read-only, log in as anonymous");
        own.put("211.FEAT", FEAT);
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
