package org.dftp.netty.dav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.dftp.netty.dav.IfHeader.Clause;
import org.dftp.netty.dav.IfHeader.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code If} header's grammar (RFC 4918 10.4): what each form parses to, and what is refused. */
class IfHeaderTest {

    private static Condition token(String t) {
        return new Condition(false, t, null);
    }

    private static Condition etag(String e) {
        return new Condition(false, null, e);
    }

    @Test
    void untaggedListWithOneToken() throws Exception {
        IfHeader h = IfHeader.parse("(<opaquelocktoken:a-b-c>)");
        assertEquals(List.of(new Clause(null, List.of(token("opaquelocktoken:a-b-c")))), h.clauses());
        assertEquals(List.of("opaquelocktoken:a-b-c"), h.tokens());
    }

    @Test
    void untaggedListsAreAlternativesEachAConjunction() throws Exception {
        IfHeader h = IfHeader.parse("(<urn:uuid:1> [\"etag-1\"]) (Not <urn:uuid:2>)");
        assertEquals(List.of(
                new Clause(null, List.of(token("urn:uuid:1"), etag("\"etag-1\""))),
                new Clause(null, List.of(new Condition(true, "urn:uuid:2", null)))), h.clauses());
    }

    @Test
    void notAppliesToEntityTagsToo() throws Exception {
        IfHeader h = IfHeader.parse("(Not [W/\"x\"])");
        assertEquals(List.of(new Clause(null, List.of(new Condition(true, null, "W/\"x\"")))), h.clauses());
        assertEquals(List.of(), h.tokens());
    }

    @Test
    void notIsCaseInsensitiveAndNeedsNoSpaceBeforeItsCondition() throws Exception {
        IfHeader h = IfHeader.parse("(not<urn:a>)\t(NOT   [\"e\"])");
        assertEquals(List.of(
                new Clause(null, List.of(new Condition(true, "urn:a", null))),
                new Clause(null, List.of(new Condition(true, null, "\"e\"")))), h.clauses());
    }

    @Test
    void entityTagsKeepTheirQuotesAndLoseSurroundingSpace() throws Exception {
        IfHeader h = IfHeader.parse("([ \"abc\" ])");
        assertEquals(List.of(new Clause(null, List.of(etag("\"abc\"")))), h.clauses());
    }

    @Test
    void taggedListsNameTheirResource() throws Exception {
        IfHeader h = IfHeader.parse("<http://h:1/fs/a> (<urn:t1>) <http://h:1/fs/b> (<urn:t2>) (Not <urn:t3>)");
        assertEquals(List.of(
                new Clause("http://h:1/fs/a", List.of(token("urn:t1"))),
                new Clause("http://h:1/fs/b", List.of(token("urn:t2"))),
                // A tag holds for every list after it until the next tag.
                new Clause("http://h:1/fs/b", List.of(new Condition(true, "urn:t3", null)))), h.clauses());
    }

    @Test
    void tokensAreTheNonNegatedOnesOfEveryList() throws Exception {
        IfHeader h = IfHeader.parse("</fs/a> (<urn:1> Not <urn:2>) </fs/b> ([\"e\"] <urn:3>)");
        assertEquals(List.of("urn:1", "urn:3"), h.tokens());
    }

    @Test
    void taggedAfterUntaggedIsMalformed() {
        assertThrows(IfHeader.Malformed.class, () -> IfHeader.parse("(<urn:1>) </fs/a> (<urn:2>)"));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "", "   ", // no list at all
        "<urn:1>", // a state token outside a list
        "</fs/a>", "</fs/a>   ", // a tag without its list
        "</fs/a", // unterminated tag
        "()", // empty list
        "(<urn:1>", "(<urn:1> ", // unterminated list
        "(<urn:1)", // unterminated token
        "([\"e\")", // unterminated entity tag
        "(urn:1)", // a bare word
        "(Not)", "(Not ", // Not without its condition
        "(<urn:1>) x", // garbage after a list
        "x (<urn:1>)",
    })
    void malformedHeadersAreRefused(String header) {
        assertThrows(IfHeader.Malformed.class, () -> IfHeader.parse(header));
    }
}
