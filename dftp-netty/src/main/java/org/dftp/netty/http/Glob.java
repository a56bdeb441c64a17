package org.dftp.netty.http;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A shell glob for {@code /find/?q=}: {@code *} and {@code ?} within one path segment, {@code **} across
 * segments, {@code [abc]}, {@code [!a-z]}, {@code {a,b}} and backslash escapes. A glob without a slash
 * matches the name alone, like {@code find -name}; one with a slash matches the whole path.
 */
final class Glob {
    static final int MAX_LENGTH = 1024;

    private final Pattern pattern;
    private final boolean wholePath;

    private Glob(Pattern pattern, boolean wholePath) {
        this.pattern = pattern;
        this.wholePath = wholePath;
    }

    /** Compiles a glob; throws IllegalArgumentException with a message for the user when it is malformed. */
    static Glob compile(String glob) {
        if (glob.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("q is too long");
        }
        StringBuilder re = new StringBuilder();
        boolean inClass = false;
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (inClass) {
                if (c == ']') {
                    inClass = false;
                    re.append(']');
                } else if (c == '\\' || c == '[' || c == '&' || c == '^' && re.charAt(re.length() - 1) != '[') {
                    re.append('\\').append(c);
                } else {
                    re.append(c);
                }
                continue;
            }
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        re.append(".*");
                        i++;
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    inClass = true;
                    re.append('[');
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '!') {
                        re.append('^');
                        i++;
                    }
                }
                case '{' -> {
                    braces++;
                    re.append("(?:");
                }
                case '}' -> {
                    if (braces == 0) {
                        throw new IllegalArgumentException("unbalanced } in q");
                    }
                    braces--;
                    re.append(')');
                }
                case ',' -> re.append(braces > 0 ? "|" : ",");
                case '\\' -> {
                    if (++i == glob.length()) {
                        throw new IllegalArgumentException("q ends with a backslash");
                    }
                    re.append(Pattern.quote(String.valueOf(glob.charAt(i))));
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (inClass || braces > 0) {
            throw new IllegalArgumentException("unbalanced [ or { in q");
        }
        try {
            return new Glob(Pattern.compile(re.toString(), Pattern.DOTALL), glob.indexOf('/') >= 0);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("q is not a valid glob");
        }
    }

    /** Whether an entry matches, given its name and its user-form path. */
    boolean matches(String name, CharSequence path) {
        return pattern.matcher(wholePath ? path : name).matches();
    }
}
