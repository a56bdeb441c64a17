package org.dftp.netty.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.dftp.netty.HostPort;

/**
 * A greeting ({@code POST /cluster/}): who the caller is and where its APIs are. Addresses may have an
 * empty host ({@code :7041}); the receiver fills in the caller's IP address.
 *
 * @param name the caller's node name
 * @param publicAddr its public HTTP address
 * @param mgmtAddr its management HTTP address
 * @param requestFullUpdate whether it asks for a full update
 */
public record Greeting(String name, HostPort publicAddr, HostPort mgmtAddr, boolean requestFullUpdate) {
    public Greeting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(publicAddr, "publicAddr");
        Objects.requireNonNull(mgmtAddr, "mgmtAddr");
    }

    /** The form fields as the original sends them; {@code request-full-update} only when true. */
    public Map<String, String> formFields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("public-addr", publicAddr.toString());
        f.put("mgmt-addr", mgmtAddr.toString());
        if (requestFullUpdate) {
            f.put("request-full-update", "true");
        }
        return f;
    }

    /** The request body: {@code mgmt-addr=...&name=...&public-addr=...[&request-full-update=true]}. */
    public String formBody() {
        return Form.encode(formFields());
    }

    public Greeting withRequestFullUpdate(boolean b) {
        return b == requestFullUpdate ? this : new Greeting(name, publicAddr, mgmtAddr, b);
    }
}
