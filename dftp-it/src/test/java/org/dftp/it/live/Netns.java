package org.dftp.it.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of a test's own ({@code ip netns add}), deleted on {@link #close}, and a way in:
 * {@link #prefix} runs a command inside it, {@link #probe} answers HTTP from inside it.
 */
final class Netns implements AutoCloseable {
    final String name;
    private final List<Probe> probes = new ArrayList<>();

    private Netns(String name) {
        this.name = name;
    }

    /** Creates the namespace with its loopback up; throws when that is impossible (no root, no iproute2). */
    static Netns create(String name) throws IOException, InterruptedException {
        run("ip", "netns", "add", name);
        Netns ns = new Netns(name);
        try {
            ns.exec("ip", "link", "set", "lo", "up");
        } catch (IOException | InterruptedException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Runs a command; returns its output, or throws with it when the command fails. */
    static String run(String... cmd) throws IOException, InterruptedException {
        return org.dftp.netty.testing.Commands.run(cmd);
    }

    /** Runs a command inside the namespace. */
    String exec(String... cmd) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(prefix());
        all.addAll(List.of(cmd));
        return run(all.toArray(new String[0]));
    }

    /** What to put before a command to run it inside. */
    List<String> prefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** An {@link HttpProbe} inside the namespace: HTTP to addresses only the namespace can reach. */
    NodeProcess.Http probe() throws IOException {
        Path classes;
        try {
            classes = Path.of(HttpProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        List<String> cmd = new ArrayList<>(prefix());
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classes.toString(), HttpProbe.class.getName()));
        Probe p = new Probe(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        probes.add(p);
        String ready = p.in.readLine();
        if (!"ready".equals(ready)) {
            throw new IOException("the probe in " + name + " did not start: " + ready);
        }
        return p;
    }

    private static final class Probe implements NodeProcess.Http {
        final Process process;
        final BufferedReader in;
        final Writer out;

        Probe(Process process) {
            this.process = process;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            this.out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        private synchronized NodeProcess.Reply ask(String line) throws IOException {
            out.write(line + "\n");
            out.flush();
            String answer = in.readLine();
            if (answer == null) {
                throw new IOException("the probe is gone");
            }
            int sp = answer.indexOf(' ');
            String body = new String(Base64.getDecoder().decode(answer.substring(sp + 1)), StandardCharsets.UTF_8);
            return new NodeProcess.Reply(Integer.parseInt(answer.substring(0, sp)), body);
        }

        @Override
        public NodeProcess.Reply get(String url) throws IOException {
            return ask("GET " + url);
        }

        @Override
        public NodeProcess.Reply postForm(String url, String form) throws IOException {
            return ask("POST " + url + " " + form);
        }
    }

    @Override
    public void close() {
        for (Probe p : probes) {
            p.process.destroyForcibly();
        }
        try {
            run("ip", "netns", "del", name);
        } catch (IOException | InterruptedException e) {
            System.err.println("could not delete network namespace " + name + ": " + e.getMessage());
        }
    }
}
