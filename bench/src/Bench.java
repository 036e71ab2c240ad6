import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Mailgate against the bare baseline, in one run on one machine. Usage (bench/run does this):
 * Bench [--smoke], on the PostgreSQL that BenchPostgres gives
 */
public final class Bench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(8)).connectTimeout(Duration.ofSeconds(5)).build();

    private final boolean smoke;
    /** --two: only the two-instance phases, after the first start has made the schema and the class archive. */
    private static boolean twoOnly;
    private static boolean oneOnly;
    private final String dbUrl;
    private final String dbUser;
    private final String dbPassword;
    private final Map<String, String> results = new LinkedHashMap<>();

    private Bench(boolean smoke, String dbUrl, String dbUser, String dbPassword) {
        this.smoke = smoke;
        this.dbUrl = dbUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = args.length > 0 && args[0].equals("--smoke");
        twoOnly = args.length > 0 && args[0].equals("--two");
        oneOnly = args.length > 0 && args[0].equals("--one");
        try (BenchPostgres postgres = BenchPostgres.start()) {
            new Bench(smoke, postgres.url(), postgres.user(), postgres.password()).run();
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private void run() throws Exception {
        Duration phase = smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(10);
        int[] levels = smoke ? new int[] {4} : new int[] {4, 16, 64};
        int delivered = smoke ? 100 : 3000;
        int queued = smoke ? 200 : 10000;
        Duration warmUp = smoke ? Duration.ofSeconds(1) : Duration.ofSeconds(20);

        try (SmtpSink sink = new SmtpSink()) {
            // ---- Mailgate ----------------------------------------------------------------------
            Path data = Files.createTempDirectory("mailgate-bench");
            int port = freePort();
            int brokerPort = freePort();
            Map<String, String> environment = new java.util.HashMap<>(Map.of("MAILGATE_HTTP_HOST", "127.0.0.1",
                    "MAILGATE_HTTP_PORT", Integer.toString(port), "MAILGATE_BROKER_PORT", Integer.toString(brokerPort),
                    "MAILGATE_DATA_DIR", data.toString(), "MAILGATE_DB_URL", dbUrl, "MAILGATE_DB_USER", dbUser,
                    "MAILGATE_DB_PASSWORD", dbPassword, "MAILGATE_SMTP_HOST", "127.0.0.1",
                    "MAILGATE_SMTP_PORT", Integer.toString(sink.port()), "MAILGATE_LOG_LEVEL", "WARN"));
            if (System.getenv("BENCH_JAVA_OPTS") != null) {
                environment.put("MAILGATE_JAVA_OPTS", System.getenv("BENCH_JAVA_OPTS"));
            }
            String base = "http://127.0.0.1:" + port;
            // Started as users start it, with bin/mailgate. Its first start on a new jar records the class
            // archive that later starts use (and, here, creates the schema and the broker journal).
            Files.deleteIfExists(Path.of("target/mailgate.jsa"));
            long first = System.nanoTime();
            Process training = startMailgate(environment, data.resolve("mailgate-first.log"));
            awaitStatus(base + "/observe/health/ready", Duration.ofSeconds(60));
            results.put("Mailgate first start to ready (new schema, journal and class archive)",
                    String.format("%.2f s", (System.nanoTime() - first) / 1e9));
            training.destroy();
            if (!training.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Mailgate did not stop within 60 s");
            }
            if (twoOnly) {
                twoInstances(environment, data, brokerPort, levels, phase, sink);
                print();
                return;
            }
            long started = System.nanoTime();
            Process process = startMailgate(environment, data.resolve("mailgate.log"));
            RssSampler rss = new RssSampler(process.pid());
            try {
                awaitStatus(base + "/observe/health/ready", Duration.ofSeconds(60));
                double ready = (System.nanoTime() - started) / 1e9;
                results.put("Mailgate start to ready", String.format("%.2f s", ready));
                String token = token(base);
                Map<String, String> auth = Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");

                warmUp(List.of(base + "/mail/v1/"), auth, warmUp, sink);
                Load best = maxLoad("Mailgate accept", List.of(base + "/mail/v1/"), auth, levels, phase, sink);
                Load half = openLoad(base + "/mail/v1/", auth, best.rate() / 2, phase);
                drain(sink);
                results.put("Mailgate accept at half the maximum rate", half.describe());
                double deliveredRate = delivered(List.of(base + "/mail/v1/"), auth, sink, delivered);
                results.put("Mailgate delivered end to end", String.format("%.0f mails/s", deliveredRate));
                if (!smoke) {
                    // The queue path's code is compiled by a round of its own first, as the REST path's is by
                    // the warm-up: measured cold, the phase mostly timed the JIT (5 rounds of 10,000 messages
                    // went from 613 to 1,883 msg/s on the same instance).
                    queueIngress(base, token, brokerPort, queued, 1_000_000_000L);
                    drain(sink);
                }
                double ingress = queueIngress(base, token, brokerPort, queued, 3_000_000_000L);
                results.put("Mailgate queue ingress to stored", String.format("%.0f msg/s", ingress));
                results.put("Mailgate RSS under load (max)", String.format("%d MB", rss.maxMegabytes()));

                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
                if (oneOnly) {
                    print();
                    return;
                }

                // ---- Two instances on the same database and broker ---------------------------------
                if (!smoke) {
                    twoInstances(environment, data, brokerPort, levels, phase, sink);
                }

                // ---- Baseline ------------------------------------------------------------------
                int basePort = freePort();
                Process baseline = new ProcessBuilder(javaCommand(List.of("-Dsun.net.httpserver.nodelay=true", "-cp", "bench/build:target/lib/*", "Baseline",
                        Integer.toString(basePort), dbUrl, dbUser, dbPassword, Integer.toString(sink.port()), "4")))
                        .redirectErrorStream(true).redirectOutput(data.resolve("baseline.log").toFile()).start();
                try {
                    String baseUrl = "http://127.0.0.1:" + basePort;
                    awaitStatus(baseUrl + "/ready", Duration.ofSeconds(30));
                    Map<String, String> json = Map.of("Content-Type", "application/json");
                    warmUp(List.of(baseUrl + "/mail"), json, warmUp, sink);
                    Load baseAccept = maxLoad("Baseline accept-only", List.of(baseUrl + "/accept"), json, levels, phase, sink);
                    Load baseFull = maxLoad("Baseline accept (with delivery)", List.of(baseUrl + "/mail"), json, levels, phase, sink);
                    double baseDelivered = delivered(List.of(baseUrl + "/mail"), json, sink, delivered);
                    results.put("Baseline delivered end to end", String.format("%.0f mails/s", baseDelivered));

                    results.put("RATIO accepted/s Mailgate / baseline accept-only",
                            String.format("%.2f (target ≥ 0.75, or ≥ 5000/s absolute)", best.rate() / baseAccept.rate()));
                    results.put("RATIO accepted/s Mailgate / baseline with delivery", String.format("%.2f", best.rate() / baseFull.rate()));
                    results.put("RATIO delivered/s Mailgate / baseline",
                            String.format("%.2f (target ≥ 0.8)", deliveredRate / baseDelivered));
                } finally {
                    baseline.destroy();
                }
            } finally {
                rss.stop();
                process.destroyForcibly();
            }
            results.put("SMTP connections opened (both)", Long.toString(sink.connections.get()));
        }
        print();
    }

    private void print() {
        System.out.println();
        System.out.println("| measure | value |");
        System.out.println("|---|---|");
        results.forEach((name, value) -> System.out.println("| " + name + " | " + value + " |"));
        System.out.println((smoke ? "smoke" : twoOnly ? "two-instance" : oneOnly ? "one-instance" : "full") + " benchmark done");
        System.exit(0);
    }


    /**
     * Two instances sharing the database and one broker (the first one's embedded broker, which the second
     * uses as its external broker), each with its own data directory and so its own instance id; the
     * clients are split between them. Same warm-up and phases, at 16 and 64 clients.
     */
    private void twoInstances(Map<String, String> single, Path data, int brokerPort, int[] levels, Duration phase,
                              SmtpSink sink) throws Exception {
        List<Process> processes = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        try {
            for (int i = 1; i <= 2; i++) {
                Map<String, String> environment = new java.util.HashMap<>(single);
                int port = freePort();
                environment.put("MAILGATE_HTTP_PORT", Integer.toString(port));
                Path dir = data.resolve("instance-" + i);
                Files.createDirectories(dir);
                environment.put("MAILGATE_DATA_DIR", dir.toString());
                // Instances sharing a database share its encryption key (the first one's, from its data directory).
                environment.put("MAILGATE_ENCRYPTION_KEY", Files.readString(data.resolve("encryption.key")).trim());
                if (i == 2) {
                    environment.put("MAILGATE_BROKER_URL", "tcp://127.0.0.1:" + brokerPort);
                }
                processes.add(startMailgate(environment, dir.resolve("mailgate.log")));
                awaitStatus("http://127.0.0.1:" + port + "/observe/health/ready", Duration.ofSeconds(60));
                urls.add("http://127.0.0.1:" + port + "/mail/v1/");
            }
            String token = token(urls.get(0).replace("/mail/v1/", ""));
            Map<String, String> auth = Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");
            warmUp(urls, auth, Duration.ofSeconds(20), sink);
            maxLoad("Two instances accept", urls, auth, new int[] {16, 64}, phase, sink);
            if (System.getenv("BENCH_TWO_DIAGNOSE") != null) {
                maxLoad("Two instances running, load on the first only", urls.subList(0, 1), auth, new int[] {16}, phase, sink);
                maxLoad("Two instances running, load on the second only", urls.subList(1, 2), auth, new int[] {16}, phase, sink);
            }
            drain(sink);
            results.put("Two instances delivered end to end",
                    String.format("%.0f mails/s", delivered(urls, auth, sink, 3000)));
        } finally {
            for (Process process : processes) {
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
                if (oneOnly) {
                    print();
                    return;
                }
            }
        }
    }

    // ---- load --------------------------------------------------------------------------------

    private record Load(double rate, double p50, double p99, int concurrency) {
        String describe() {
            return String.format("%.0f req/s, p50 %.2f ms, p99 %.2f ms%s", rate, p50, p99,
                    concurrency > 0 ? " (" + concurrency + " concurrent)" : "");
        }
    }

    /**
     * Load before measuring, the same for both sides: the JIT compiles the hot paths (a minute of C2
     * work for Mailgate's larger code) instead of competing with the first measured phase for the cores.
     */
    private void warmUp(List<String> urls, Map<String, String> headers, Duration length, SmtpSink sink) throws Exception {
        closedLoad(urls, headers, 16, length);
        drain(sink);
    }

    /** Waits until the sink has had nothing new for a second: deliveries left from a phase do not run into the next. */
    private static void drain(SmtpSink sink) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            long now = sink.messages.get();
            if (now == seen) {
                return;
            }
            seen = now;
            Thread.sleep(1000);
        }
        throw new IllegalStateException("deliveries did not stop within 5 minutes");
    }

    /** Closed loop at each concurrency, each after the last one's deliveries; the best rate is the maximum. */
    private Load maxLoad(String name, List<String> urls, Map<String, String> headers, int[] levels, Duration phase, SmtpSink sink)
            throws Exception {
        Load best = null;
        for (int concurrency : levels) {
            drain(sink);
            Load load = closedLoad(urls, headers, concurrency, phase);
            results.put(name + " @" + concurrency, load.describe());
            if (best == null || load.rate() > best.rate()) {
                best = load;
            }
        }
        results.put(name + " maximum", best.describe());
        return best;
    }

    /** Closed loop: each client sends its next request when the last one was answered; client t talks to urls[t % n]. */
    private Load closedLoad(List<String> urls, Map<String, String> headers, int concurrency, Duration phase) throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong sequence = new AtomicLong();
        long end = System.nanoTime() + phase.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            String url = urls.get(t % urls.size());
            Thread thread = new Thread(() -> {
                try (RawHttp client = client(url)) {
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        if (client.post(path(url), headers, body(sequence.incrementAndGet())) == 200) {
                            latencies.add(System.nanoTime() - start);
                        }
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return summarize(latencies, phase, concurrency);
    }

    /**
     * Open loop: requests are due at a fixed rate, whatever the answers' speed; latency counts from when
     * a request was due, so a stalled server is not hidden by the generator waiting for it.
     */
    private Load openLoad(String url, Map<String, String> headers, double rate, Duration phase) throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong sequence = new AtomicLong(1_000_000_000L);
        int clients = 32;
        long period = Math.max(1, (long) (1e9 * clients / rate));
        long begin = System.nanoTime();
        long end = begin + phase.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            long offset = (long) (t * 1e9 / rate);
            Thread thread = new Thread(() -> {
                try (RawHttp client = client(url)) {
                    for (long due = begin + offset; due < end; due += period) {
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                        if (client.post(path(url), headers, body(sequence.incrementAndGet())) == 200) {
                            latencies.add(System.nanoTime() - due);
                        }
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return summarize(latencies, phase, 0);
    }

    private static Load summarize(ConcurrentLinkedQueue<Long> latencies, Duration phase, int concurrency) {
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return new Load(0, 0, 0, concurrency);
        }
        return new Load(sorted.length / (phase.toMillis() / 1000.0), sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6, concurrency);
    }

    /** Sends n mails as fast as 16 clients can (client t to urls[t % n]), and times until the sink has all of them. */
    private double delivered(List<String> urls, Map<String, String> headers, SmtpSink sink, int n) throws Exception {
        drain(sink);
        long before = sink.messages.get();
        long start = System.nanoTime();
        AtomicLong sequence = new AtomicLong(2_000_000_000L);
        AtomicLong left = new AtomicLong(n);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            String url = urls.get(t % urls.size());
            Thread thread = new Thread(() -> {
                try (RawHttp client = client(url)) {
                    while (left.getAndDecrement() > 0) {
                        client.post(path(url), headers, body(sequence.incrementAndGet()));
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        await(() -> sink.messages.get() - before, n, Duration.ofMinutes(5), 20);
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** Puts n send bodies on mailgate.mail.send (committed in batches of 100) and times until all are stored. */
    private double queueIngress(String base, String token, int brokerPort, int n, long firstMail) throws Exception {
        long before = storedFromQueue(base, token);
        long start = System.nanoTime();
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
             JMSContext context = factory.createContext(JMSContext.SESSION_TRANSACTED)) {
            JMSProducer producer = context.createProducer();
            var queue = context.createQueue("mailgate.mail.send");
            for (int i = 0; i < n; i++) {
                producer.send(queue, body(firstMail + i));
                if (i % 100 == 99) {
                    context.commit();
                }
            }
            context.commit();
        }
        // A count over the growing mail table: asked every 20 ms it would load the database it measures.
        await(() -> storedFromQueue(base, token) - before, n, Duration.ofMinutes(5), 200);
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static long storedFromQueue(String base, String token) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mail/v1/?eq(creator_id,queue)&limit(0)"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            Matcher total = Pattern.compile("\"total\":(\\d+)").matcher(response.body());
            return total.find() ? Long.parseLong(total.group(1)) : 0;
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static String body(long n) {
        return "{\"recipients\":{\"to\":[\"bench" + (n % 1000) + "@example.com\"]},\"subject\":\"Bench " + n
                + "\",\"body\":\"Hello from the benchmark, mail " + n + "\"}";
    }

    private static RawHttp client(String url) {
        URI uri = URI.create(url);
        return new RawHttp(uri.getHost(), uri.getPort());
    }

    private static String path(String url) {
        return URI.create(url).getRawPath();
    }

    private static String token(String base) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("client_id=mailgate&client_secret=mailgate-dev-secret")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher token = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(response.body());
        if (!token.find()) {
            throw new IllegalStateException("No token: " + response.body());
        }
        return token.group(1);
    }

    private static void awaitStatus(String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(url + " did not become ready in " + timeout);
    }

    private static void await(LongSupplier progress, long target, Duration timeout, long pollMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (progress.getAsLong() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + progress.getAsLong() + " of " + target + " within " + timeout);
            }
            Thread.sleep(pollMillis);
        }
    }

    private static Process startMailgate(Map<String, String> environment, Path log) throws IOException {
        ProcessBuilder mailgate = new ProcessBuilder("bin/mailgate").redirectErrorStream(true).redirectOutput(log.toFile());
        mailgate.environment().putAll(environment);
        return mailgate.start();
    }

    /** The baseline's JVM: BENCH_JAVA_OPTS, else the options bin/mailgate gives Mailgate by default. */
    private static List<String> javaCommand(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String options = System.getenv().getOrDefault("BENCH_JAVA_OPTS", "-Xmx128m -XX:+UseSerialGC");
        command.addAll(Arrays.asList(options.trim().split("\\s+")));
        command.addAll(arguments);
        return command;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Samples a process's resident set size from /proc. */
    private static final class RssSampler {
        private final long pid;
        private final AtomicLong maxKb = new AtomicLong();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        RssSampler(long pid) {
            this.pid = pid;
            timer.scheduleAtFixedRate(this::sample, 0, 250, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        maxKb.accumulateAndGet(kb, Math::max);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the process is gone
            }
        }

        long maxMegabytes() {
            return maxKb.get() / 1024;
        }

        void stop() {
            timer.shutdownNow();
        }
    }
}
