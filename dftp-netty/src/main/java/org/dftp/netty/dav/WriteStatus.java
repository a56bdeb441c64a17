package org.dftp.netty.dav;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.dftp.core.write.WriteException;

/** The one map from a refused write to its HTTP status (RFC 4918 and RFC 9110 names). */
final class WriteStatus {
    static final HttpResponseStatus LOCKED = new HttpResponseStatus(423, "Locked");
    static final HttpResponseStatus FAILED_DEPENDENCY = new HttpResponseStatus(424, "Failed Dependency");
    static final HttpResponseStatus INSUFFICIENT_STORAGE = new HttpResponseStatus(507, "Insufficient Storage");
    static final HttpResponseStatus MULTI_STATUS = new HttpResponseStatus(207, "Multi-Status");

    private WriteStatus() {
    }

    static HttpResponseStatus of(WriteException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            // A missing or non-directory parent: RFC 4918 9.7.1 and 9.3.1 name 409.
            case CONFLICT, WRONG_TYPE -> HttpResponseStatus.CONFLICT;
            // Overwrite: F over an existing target (RFC 4918 9.8.5); MKCOL over one is 405, decided before.
            case EXISTS -> HttpResponseStatus.PRECONDITION_FAILED;
            case NO_SPACE -> INSUFFICIENT_STORAGE;
            case TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case FORBIDDEN -> HttpResponseStatus.FORBIDDEN;
            case BAD_NAME -> HttpResponseStatus.BAD_REQUEST;
            case CROSS_NODE -> HttpResponseStatus.BAD_GATEWAY;
            case IO -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }
}
