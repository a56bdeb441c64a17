package org.dftp.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Node and cluster names: the default from the host name, and the one validity rule for both. */
public final class NodeNames {
    public static final int MAX_LENGTH = 255;

    private NodeNames() {
    }

    /** Throws IllegalArgumentException unless {@code name} is a usable node or cluster name. */
    public static String check(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_LENGTH + " characters");
        }
        if (name.startsWith("(")) {
            throw new IllegalArgumentException(what + " must not start with '('"); // "(multiple)" is reserved
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
                throw new IllegalArgumentException(what + " must not contain control characters or slashes");
            }
        }
        return name;
    }

    /** The host name, as the original named its nodes; without DNS when the kernel knows it. */
    public static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the JDK
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
