package io.github.chicorycache.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Case 6: whole-process cold start of the sample application, with an empty and then with
 * a warm cache directory. Each repetition uses a new directory: the first start compiles
 * and fills it, the second loads from it. Measured per start: wall time from process
 * launch to the log line {@code Started SampleApplication} and to the first {@code 200}
 * of {@code /actuator/health}, the peak resident set size ({@code VmHWM} of
 * {@code /proc/<pid>/status}, read once healthy, just before stopping it) and where the
 * compiled code came from.
 * <p>
 * Usage: {@code StartupHarness <output.json> <repetitions> <sample-app.jar>}
 */
public final class StartupHarness {

	private static final Pattern STARTED = Pattern.compile("Started SampleApplication");

	/** The sample's line: name, digest, time to a loaded module. */
	private static final Pattern MODULE = Pattern.compile("Module (\\S+) \\(.*, (\\S+)\\): loaded in (\\d+) ms");

	/** The starter's line: digest, where the compiled code came from, time. */
	private static final Pattern COMPILED = Pattern
		.compile("Chicory module (\\S+): compiled code from (\\w+) in (\\d+) ms");

	private static final Duration TIMEOUT = Duration.ofMinutes(3);

	private StartupHarness() {
	}

	public static void main(String[] args) throws Exception {
		Path output = Path.of(args[0]);
		int repetitions = Integer.parseInt(args[1]);
		Path jar = Path.of(args[2]).toAbsolutePath();
		List<Start> empty = new ArrayList<>();
		List<Start> warm = new ArrayList<>();
		for (int rep = 0; rep < repetitions; rep++) {
			Path work = BenchSupport.freshDirectory("startup");
			try {
				Path cache = work.resolve("cache");
				empty.add(start(jar, work, cache));
				warm.add(start(jar, work, cache));
				System.out.printf(Locale.ROOT, "rep %d: empty %s%n       warm  %s%n", rep + 1, empty.get(rep),
						warm.get(rep));
			}
			finally {
				BenchSupport.deleteTree(work);
			}
		}
		String json = "{\"repetitions\": " + repetitions + ", \"jar\": \"" + jar.getFileName() + "\", \"empty\": "
				+ toJson(empty) + ", \"warm\": " + toJson(warm) + "}\n";
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, json);
	}

	private static Start start(Path jar, Path work, Path cache) throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		long launched = System.nanoTime();
		Process process = new ProcessBuilder(java, "-jar", jar.toString(), "--chicory.cache.directory=" + cache,
				"--server.port=" + port, "--server.address=127.0.0.1")
			.directory(work.toFile())
			.redirectErrorStream(true)
			.start();
		List<String> log = new CopyOnWriteArrayList<>();
		CompletableFuture<Long> started = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					log.add(line);
					if (!started.isDone() && STARTED.matcher(line).find()) {
						started.complete(System.nanoTime());
					}
				}
			}
			catch (IOException ex) {
				// process ended
			}
			started.completeExceptionally(new IllegalStateException("Sample app exited: " + String.join("\n", log)));
		});
		reader.setDaemon(true);
		reader.start();
		try {
			long startedAt = started.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			long healthyAt = awaitHealthy(port, process);
			String status = Files.readString(Path.of("/proc/" + process.pid() + "/status"));
			long hwm = kilobytes(status, "VmHWM");
			long rss = kilobytes(status, "VmRSS");
			// name:source:load ms:compiled code ms, from the sample's and the starter's
			// lines.
			Map<String, String> compiled = new HashMap<>();
			for (String line : log) {
				Matcher matcher = COMPILED.matcher(line);
				if (matcher.find()) {
					compiled.put(matcher.group(1), matcher.group(2) + ":" + matcher.group(3));
				}
			}
			List<String> modules = new ArrayList<>();
			for (String line : log) {
				Matcher matcher = MODULE.matcher(line);
				if (matcher.find() && compiled.containsKey(matcher.group(2))) {
					String[] code = compiled.get(matcher.group(2)).split(":");
					modules.add(matcher.group(1) + ":" + code[0] + ":" + matcher.group(3) + ":" + code[1]);
				}
			}
			return new Start((startedAt - launched) / 1e6, (healthyAt - launched) / 1e6, hwm, rss, modules);
		}
		finally {
			process.destroy();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor();
			}
		}
	}

	private static long awaitHealthy(int port, Process process) throws Exception {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
			.timeout(Duration.ofSeconds(5))
			.build();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (System.nanoTime() < deadline && process.isAlive()) {
			try {
				if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return System.nanoTime();
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(10);
		}
		throw new IllegalStateException("Sample app did not become healthy");
	}

	private static long kilobytes(String status, String field) {
		Matcher matcher = Pattern.compile(field + ":\\s+(\\d+) kB").matcher(status);
		return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
	}

	private static String toJson(List<Start> starts) {
		StringBuilder out = new StringBuilder("[");
		for (int i = 0; i < starts.size(); i++) {
			Start start = starts.get(i);
			out.append((i > 0) ? ", " : "")
				.append(String.format(Locale.ROOT,
						"{\"startedMs\": %.1f, \"healthyMs\": %.1f, \"vmHwmKb\": %d, \"vmRssKb\": %d, \"modules\": [%s]}",
						start.startedMs(), start.healthyMs(), start.vmHwmKb(), start.vmRssKb(),
						String.join(", ", start.modules().stream().map((m) -> "\"" + m + "\"").toList())));
		}
		return out.append(']').toString();
	}

	private record Start(double startedMs, double healthyMs, long vmHwmKb, long vmRssKb, List<String> modules) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "started %.0f ms, healthy %.0f ms, VmHWM %d MB, modules %s",
					this.startedMs, this.healthyMs, this.vmHwmKb / 1024, this.modules);
		}

	}

}
