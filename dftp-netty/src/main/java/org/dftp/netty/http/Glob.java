package org.dftp.netty.http;

import java.util.ArrayList;
import java.util.List;

/**
 * A shell glob for {@code /find/?q=}: {@code *} and {@code ?} within one path segment, {@code **} across
 * segments, {@code [abc]}, {@code [a-z]}, {@code [!a-z]} (or {@code [^a-z]}), {@code {a,b}} and backslash
 * escapes. A glob without a slash matches the name alone, like {@code find -name}; one with a slash
 * matches the whole path, leading slash included.
 *
 * <p>Matching runs on the event loop over every entry of a tree, so it must never backtrack: the glob
 * becomes a nondeterministic automaton whose set of states is a bit set, advanced one character at a
 * time (shift-and). A path costs a few word operations per character whatever the glob; brace
 * alternatives are expanded into one automaton of at most {@link #MAX_STATES} states. (A regular
 * expression, which this replaced, took minutes for {@code *a*a*a*a*a*a*a*a*b} against a long name.)
 */
final class Glob {
    static final int MAX_LENGTH = 1024;
    /** Most automaton states (tokens plus one per alternative) a glob may need. */
    static final int MAX_STATES = 1024;
    /** Most alternatives braces may expand to. */
    static final int MAX_ALTERNATIVES = 256;

    private static final int LITERAL = 0;
    private static final int ANY = 1;
    private static final int CLASS = 2;
    private static final int STAR = 3;
    private static final int GLOBSTAR = 4;

    /** One element of a glob: a kind, and the character or class it accepts. */
    private record Token(int kind, char literal, char[] ranges, boolean negated) {
        static final Token ANY_CHAR = new Token(ANY, '\0', null, false);
        static final Token SEGMENT_RUN = new Token(STAR, '\0', null, false);
        static final Token ANY_RUN = new Token(GLOBSTAR, '\0', null, false);

        boolean isStar() {
            return kind == STAR || kind == GLOBSTAR;
        }

        boolean accepts(char c) {
            return switch (kind) {
                case LITERAL -> c == literal;
                case ANY, STAR -> c != '/';
                case GLOBSTAR -> true;
                default -> c != '/' && inClass(c);
            };
        }

        private boolean inClass(char c) {
            boolean in = false;
            for (int i = 0; i < ranges.length && !in; i += 2) {
                in = c >= ranges[i] && c <= ranges[i + 1];
            }
            return in != negated;
        }
    }

    private final boolean wholePath;
    private final int words;
    private final long[] start;
    private final long[] accept;
    private final long[] stars;
    /** Per ASCII char: the non-star states it advances. */
    private final long[][] step;
    /** Per ASCII char: the star states that stay on it. */
    private final long[][] stay;
    /** Every state's token, for characters beyond ASCII; null at accepting states. */
    private final Token[] tokens;

    private Glob(List<List<Token>> alternatives, boolean wholePath) {
        this.wholePath = wholePath;
        int states = 0;
        for (List<Token> alt : alternatives) {
            states += alt.size() + 1;
        }
        if (states > MAX_STATES) {
            throw new IllegalArgumentException("q is too complex");
        }
        words = (states + 63) / 64;
        start = new long[words];
        accept = new long[words];
        stars = new long[words];
        step = new long[128][words];
        stay = new long[128][words];
        tokens = new Token[states];
        int base = 0;
        for (List<Token> alt : alternatives) {
            set(start, base);
            for (int i = 0; i < alt.size(); i++) {
                Token t = alt.get(i);
                int state = base + i;
                tokens[state] = t;
                if (t.isStar()) {
                    set(stars, state);
                }
                for (char c = 0; c < 128; c++) {
                    if (t.accepts(c)) {
                        set(t.isStar() ? stay[c] : step[c], state);
                    }
                }
            }
            set(accept, base + alt.size());
            base += alt.size() + 1;
        }
    }

    /** Compiles a glob; throws IllegalArgumentException with a message for the user when it is malformed. */
    static Glob compile(String glob) {
        if (glob.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("q is too long");
        }
        Parser p = new Parser(glob);
        List<List<Token>> alternatives = p.sequence(false);
        if (p.at < glob.length()) {
            throw new IllegalArgumentException("unbalanced } in q");
        }
        return new Glob(alternatives, glob.indexOf('/') >= 0);
    }

    /** Whether an entry matches, given its name and its user-form path. */
    boolean matches(String name, CharSequence path) {
        CharSequence s = wholePath ? path : name;
        long[] d = start.clone();
        long[] next = new long[words];
        closeOverStars(d);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128) {
                advance(d, step[c], stay[c], next);
            } else {
                advanceSlowly(d, c, next);
            }
            closeOverStars(next);
            long[] t = d;
            d = next;
            next = t;
            if (isEmpty(d)) {
                return false;
            }
        }
        for (int w = 0; w < words; w++) {
            if ((d[w] & accept[w]) != 0) {
                return true;
            }
        }
        return false;
    }

    /** next = ((d & step) << 1) | (d & stay) */
    private void advance(long[] d, long[] stepMask, long[] stayMask, long[] next) {
        long carry = 0;
        for (int w = 0; w < words; w++) {
            long moved = d[w] & stepMask[w];
            next[w] = (moved << 1) | carry | (d[w] & stayMask[w]);
            carry = moved >>> 63;
        }
    }

    private void advanceSlowly(long[] d, char c, long[] next) {
        java.util.Arrays.fill(next, 0);
        for (int state = 0; state < tokens.length; state++) {
            Token t = tokens[state];
            if (t != null && (d[state >> 6] & (1L << state)) != 0 && t.accepts(c)) {
                set(next, t.isStar() ? state : state + 1);
            }
        }
    }

    /** A star may match nothing: each state before a star also stands after it. Stars never follow stars. */
    private void closeOverStars(long[] d) {
        long carry = 0;
        for (int w = 0; w < words; w++) {
            long skipped = d[w] & stars[w];
            d[w] |= (skipped << 1) | carry;
            carry = skipped >>> 63;
        }
    }

    private static boolean isEmpty(long[] d) {
        for (long w : d) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    private static void set(long[] bits, int i) {
        bits[i >> 6] |= 1L << i;
    }

    /** Recursive descent over the glob text, expanding braces into alternatives as it goes. */
    private static final class Parser {
        private final String glob;
        int at;

        Parser(String glob) {
            this.glob = glob;
        }

        /** A sequence up to the end, or (inside braces) up to an unescaped {@code ,} or {@code }}. */
        List<List<Token>> sequence(boolean inBraces) {
            List<List<Token>> alts = new ArrayList<>();
            alts.add(new ArrayList<>());
            while (at < glob.length()) {
                char c = glob.charAt(at);
                if (inBraces && (c == ',' || c == '}')) {
                    break;
                }
                if (c == '}') {
                    throw new IllegalArgumentException("unbalanced } in q");
                }
                at++;
                switch (c) {
                    case '*' -> {
                        boolean globstar = at < glob.length() && glob.charAt(at) == '*';
                        while (at < glob.length() && glob.charAt(at) == '*') {
                            at++;
                        }
                        appendAll(alts, globstar ? Token.ANY_RUN : Token.SEGMENT_RUN);
                    }
                    case '?' -> appendAll(alts, Token.ANY_CHAR);
                    case '[' -> appendAll(alts, charClass());
                    case '{' -> alts = product(alts, braces());
                    case '\\' -> {
                        if (at == glob.length()) {
                            throw new IllegalArgumentException("q ends with a backslash");
                        }
                        appendAll(alts, literal(glob.charAt(at++)));
                    }
                    default -> appendAll(alts, literal(c));
                }
            }
            return alts;
        }

        /** The alternatives of a brace group; {@code at} is just past its {@code {}. */
        private List<List<Token>> braces() {
            List<List<Token>> union = new ArrayList<>();
            while (true) {
                union.addAll(sequence(true));
                checkSize(union.size());
                if (at == glob.length()) {
                    throw new IllegalArgumentException("unbalanced { in q");
                }
                if (glob.charAt(at++) == '}') {
                    return union;
                }
            }
        }

        /** {@code [...]}; {@code at} is just past the {@code [}. A {@code ]} first in the class is literal. */
        private Token charClass() {
            boolean negated = at < glob.length() && (glob.charAt(at) == '!' || glob.charAt(at) == '^');
            if (negated) {
                at++;
            }
            StringBuilder ranges = new StringBuilder();
            boolean first = true;
            while (true) {
                if (at >= glob.length()) {
                    throw new IllegalArgumentException("unbalanced [ in q");
                }
                char c = glob.charAt(at++);
                if (c == ']' && !first) {
                    break;
                }
                first = false;
                if (c == '\\') {
                    if (at >= glob.length()) {
                        throw new IllegalArgumentException("unbalanced [ in q");
                    }
                    c = glob.charAt(at++);
                }
                char hi = c;
                if (at + 1 < glob.length() && glob.charAt(at) == '-' && glob.charAt(at + 1) != ']') {
                    hi = glob.charAt(at + 1);
                    at += 2;
                    if (hi < c) {
                        throw new IllegalArgumentException("bad range " + c + "-" + hi + " in q");
                    }
                }
                ranges.append(c).append(hi);
            }
            return new Token(CLASS, '\0', ranges.toString().toCharArray(), negated);
        }

        private static Token literal(char c) {
            return new Token(LITERAL, c, null, false);
        }

        /** Appends a token to every alternative; a star next to a star merges into one (the wider). */
        private static void appendAll(List<List<Token>> alts, Token t) {
            for (List<Token> alt : alts) {
                append(alt, t);
            }
        }

        private static void append(List<Token> alt, Token t) {
            if (t.isStar() && !alt.isEmpty() && alt.get(alt.size() - 1).isStar()) {
                if (t.kind() == GLOBSTAR) {
                    alt.set(alt.size() - 1, t);
                }
                return;
            }
            alt.add(t);
        }

        private static List<List<Token>> product(List<List<Token>> left, List<List<Token>> right) {
            checkSize((long) left.size() * right.size());
            List<List<Token>> out = new ArrayList<>(left.size() * right.size());
            for (List<Token> l : left) {
                for (List<Token> r : right) {
                    List<Token> alt = new ArrayList<>(l);
                    for (Token t : r) {
                        append(alt, t);
                    }
                    out.add(alt);
                }
            }
            return out;
        }

        private static void checkSize(long alternatives) {
            if (alternatives > MAX_ALTERNATIVES) {
                throw new IllegalArgumentException("q has too many {,} alternatives");
            }
        }
    }
}
