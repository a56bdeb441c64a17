package org.dftp.netty.cluster;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.dftp.core.auth.ClusterKey;
import org.dftp.netty.HostPort;

/**
 * {@code dftp join -cluster-secret-file F NODE PEER...}: what {@code curl -d peer=PEER http://NODE/join/} is
 * in a cluster with a secret, where the node refuses unsigned requests. Signs one {@code POST /join/} to the
 * management API at {@code NODE} and prints its answer.
 */
public final class SignedJoin {
    static final String USAGE = "usage: dftp join -cluster-secret-file=FILE NODE-MGMT-ADDR PEER-MGMT-ADDR...";

    private SignedJoin() {
    }

    /** Runs the command; returns the exit code (0 when the node answered 200). */
    public static int run(String[] args, PrintStream out, PrintWriter err) {
        String secretFile = null;
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (String a : args) {
            String flag = a.startsWith("--") ? a.substring(1) : a;
            if (flag.startsWith("-cluster-secret-file=")) {
                secretFile = flag.substring("-cluster-secret-file=".length());
            } else if (a.startsWith("-")) {
                err.println("dftp join: unknown flag " + a + "\n" + USAGE);
                return 2;
            } else {
                rest.add(a);
            }
        }
        if (secretFile == null || rest.size() < 2) {
            err.println(USAGE);
            return 2;
        }
        try {
            String line = Files.readString(Path.of(secretFile), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            ClusterSigning signing = new ClusterSigning(ClusterKey.of(line), Clock.systemUTC());
            HostPort node = HostPort.parse(rest.get(0)).withDefaultHost("127.0.0.1");
            StringBuilder form = new StringBuilder();
            for (String peer : rest.subList(1, rest.size())) {
                form.append(form.length() == 0 ? "" : "&").append("peer=")
                        .append(URLEncoder.encode(peer, StandardCharsets.UTF_8));
            }
            byte[] body = form.toString().getBytes(StandardCharsets.US_ASCII);
            ClusterSigning.Signed signed = signing.signRequest("POST", "/join/", ClusterKey.digest(body));
            HttpResponse<String> res = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create("http://" + node + "/join/"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header(ClusterSigning.HEADER, signed.header())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            (res.statusCode() == 200 ? out : System.err).print(res.body());
            return res.statusCode() == 200 ? 0 : 1;
        } catch (java.io.IOException | IllegalArgumentException e) {
            err.println("dftp join: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
