package org.dftp.netty.dav;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code If} header of RFC 4918 10.4, parsed: lists of conditions, each list perhaps tagged with the
 * resource it is about. The header holds when any list holds; a list holds when all its conditions do.
 */
record IfHeader(List<Clause> clauses) {

    /** One list; {@code resource} is its tag (a URL) or null for the request's own resource. */
    record Clause(String resource, List<Condition> conditions) {
    }

    /** A lock token or an entity tag, perhaps negated: exactly one of {@code token} and {@code etag} is set. */
    record Condition(boolean not, String token, String etag) {
    }

    /** Thrown for a header that does not follow the grammar: answered with {@code 400}. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Every lock token the header names outside a {@code Not}: the tokens the request submits. */
    List<String> tokens() {
        List<String> out = new ArrayList<>();
        for (Clause c : clauses) {
            for (Condition k : c.conditions()) {
                if (k.token() != null && !k.not()) {
                    out.add(k.token());
                }
            }
        }
        return out;
    }

    static IfHeader parse(String h) throws Malformed {
        List<Clause> clauses = new ArrayList<>();
        int i = 0;
        int n = h.length();
        String tag = null;
        Boolean tagged = null;
        while (true) {
            i = skipSpace(h, i);
            if (i >= n) {
                break;
            }
            char c = h.charAt(i);
            if (c == '<') {
                if (Boolean.FALSE.equals(tagged)) {
                    throw new Malformed("If: tagged and untagged lists mixed");
                }
                tagged = true;
                int end = h.indexOf('>', i);
                if (end < 0) {
                    throw new Malformed("If: unterminated resource tag");
                }
                tag = h.substring(i + 1, end);
                i = end + 1;
                i = skipSpace(h, i);
                if (i >= n || h.charAt(i) != '(') {
                    throw new Malformed("If: a resource tag must be followed by a list");
                }
                continue;
            }
            if (c != '(') {
                throw new Malformed("If: expected a list in parentheses");
            }
            if (tagged == null) {
                tagged = false;
            }
            i++;
            List<Condition> conds = new ArrayList<>();
            while (true) {
                i = skipSpace(h, i);
                if (i >= n) {
                    throw new Malformed("If: unterminated list");
                }
                if (h.charAt(i) == ')') {
                    i++;
                    break;
                }
                boolean not = false;
                if (h.regionMatches(true, i, "Not", 0, 3)) {
                    not = true;
                    i = skipSpace(h, i + 3);
                }
                if (i >= n) {
                    throw new Malformed("If: unterminated list");
                }
                char k = h.charAt(i);
                if (k == '<') {
                    int end = h.indexOf('>', i);
                    if (end < 0) {
                        throw new Malformed("If: unterminated state token");
                    }
                    conds.add(new Condition(not, h.substring(i + 1, end), null));
                    i = end + 1;
                } else if (k == '[') {
                    int end = h.indexOf(']', i);
                    if (end < 0) {
                        throw new Malformed("If: unterminated entity tag");
                    }
                    conds.add(new Condition(not, null, h.substring(i + 1, end).trim()));
                    i = end + 1;
                } else {
                    throw new Malformed("If: expected a state token or an entity tag");
                }
            }
            if (conds.isEmpty()) {
                throw new Malformed("If: empty list");
            }
            clauses.add(new Clause(Boolean.TRUE.equals(tagged) ? tag : null, conds));
        }
        if (clauses.isEmpty()) {
            throw new Malformed("If: no list");
        }
        return new IfHeader(clauses);
    }

    private static int skipSpace(String h, int i) {
        while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}
