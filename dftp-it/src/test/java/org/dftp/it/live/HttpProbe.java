package org.dftp.it.live;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * HTTP from inside a network namespace, for a test outside it: run as {@code ip netns exec NS java -cp ...
 * HttpProbe}, it reads requests from stdin, one a line ({@code GET <url>} or {@code POST <url> <form>}), and
 * answers each with one line on stdout: the status (0 when the request failed) and the body in base64.
 */
public final class HttpProbe {
    private HttpProbe() {
    }

    public static void main(String[] args) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("ready");
        for (String line; (line = in.readLine()) != null; ) {
            String[] parts = line.split(" ", 3);
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(parts[1])).timeout(Duration.ofSeconds(5));
            if (parts[0].equals("POST")) {
                req.header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(parts.length > 2 ? parts[2] : ""));
            }
            int status;
            byte[] body;
            try {
                HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                status = r.statusCode();
                body = r.body();
            } catch (Exception e) {
                status = 0;
                body = e.toString().getBytes(StandardCharsets.UTF_8);
            }
            out.println(status + " " + Base64.getEncoder().encodeToString(body));
        }
    }
}
