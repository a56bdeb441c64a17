import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Change propagation (bench/change-propagation.sh): creates files in node B's directory and measures, per
 * file, the time from its creation (written and closed) until node A's {@code /find/?prefix=} lists it.
 * The probe polls A every 10 ms (so the delays carry up to 10 ms of polling on top) and notes when each
 * name first appears; polling back to back would take a core from the two nodes on a small machine.
 *
 * <p>Run with the JDK's single-file launcher: {@code java bench/PropagationProbe.java DIR URL BURSTS BURST_SIZE
 * SINGLES SINGLE_GAP_MS}.
 */
public class PropagationProbe {
    static final ConcurrentHashMap<String, Long> created = new ConcurrentHashMap<>();
    static final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String find = args[1];
        int bursts = Integer.parseInt(args[2]);
        int burstSize = Integer.parseInt(args[3]);
        int singles = Integer.parseInt(args[4]);
        long gapMs = Long.parseLong(args[5]);
        HttpClient http = HttpClient.newHttpClient();
        AtomicBoolean stop = new AtomicBoolean();
        long[] polls = {0};
        Thread poller = new Thread(() -> {
            HttpRequest req = HttpRequest.newBuilder(URI.create(find)).timeout(Duration.ofSeconds(10)).build();
            while (!stop.get()) {
                try {
                    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                    long now = System.nanoTime();
                    polls[0]++;
                    if (r.statusCode() == 200) {
                        r.body().lines().forEach(l -> seen.putIfAbsent(l.substring(l.lastIndexOf('/') + 1), now));
                    }
                } catch (Exception e) {
                    // the prefix directory may not exist yet: 404, try again
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        poller.start();

        List<String> burstNames = new ArrayList<>();
        List<String> singleNames = new ArrayList<>();
        for (int b = 0; b < bursts; b++) {
            for (int i = 0; i < burstSize; i++) {
                String name = "burst-" + b + "-" + i;
                write(dir, name);
                burstNames.add(name);
            }
            Thread.sleep(1000);
        }
        for (int i = 0; i < singles; i++) {
            String name = "single-" + i;
            write(dir, name);
            singleNames.add(name);
            Thread.sleep(gapMs);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (seen.keySet().containsAll(created.keySet()) == false && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        stop.set(true);
        poller.join();
        report("bursts (" + bursts + " x " + burstSize + ", 1 s apart)", burstNames);
        report("one at a time (" + singles + ", every " + gapMs + " ms)", singleNames);
        List<String> all = new ArrayList<>(burstNames);
        all.addAll(singleNames);
        report("all " + all.size(), all);
        System.out.println("polls of /find/: " + polls[0]);
    }

    static void write(Path dir, String name) throws Exception {
        Files.writeString(dir.resolve(name), name);
        created.put(name, System.nanoTime());
    }

    static void report(String what, List<String> names) {
        long[] ms = new long[names.size()];
        int missing = 0;
        for (int i = 0; i < ms.length; i++) {
            Long s = seen.get(names.get(i));
            if (s == null) {
                missing++;
                ms[i] = Long.MAX_VALUE;
            } else {
                ms[i] = (s - created.get(names.get(i))) / 1_000_000;
            }
        }
        Arrays.sort(ms);
        System.out.printf("%s: p50 %d ms, p99 %d ms, max %s ms%s%n", what, ms[ms.length / 2],
                ms[(int) Math.ceil(ms.length * 0.99) - 1], ms[ms.length - 1] == Long.MAX_VALUE ? "n/a" : ms[ms.length - 1],
                missing > 0 ? ", " + missing + " never seen" : "");
    }
}
