package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.dftp.core.write.WriteException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one map from a failed write to its FTP reply. */
class WriteRepliesTest {

    @ParameterizedTest
    @CsvSource({"FORBIDDEN, 550", "NOT_FOUND, 550", "CONFLICT, 550", "WRONG_TYPE, 550", "EXISTS, 550",
        "BAD_NAME, 553", "TOO_LARGE, 552", "NO_SPACE, 552", "IO, 451"})
    void everyKindHasItsCode(WriteException.Kind kind, int code) {
        FtpReply reply = WriteReplies.of("STOR", new WriteException(kind, "`/x` whatever"));
        assertEquals(code, reply.getCode());
        assertEquals(code == 451 ? "STOR failed: `/x` whatever; try again later." : "STOR refused: `/x` whatever.",
                reply.getMessage());
    }

    @Test
    void anUnreachableOwnerOrAnyOtherFailureIs451() {
        assertEquals(451, WriteReplies.of("MKD", new OwnerUnavailableException("node beta cannot be reached")).getCode());
        assertEquals(451, WriteReplies.of("MKD", new IOException("something")).getCode());
    }

    @Test
    void aMessageNeverEndsTheReplyLine() {
        FtpReply reply = WriteReplies.of("DELE", new WriteException(WriteException.Kind.NOT_FOUND, "`/a\r\n550 b` not found"));
        assertFalse(reply.getMessage().contains("\n") || reply.getMessage().contains("\r"), reply.getMessage());
    }
}
