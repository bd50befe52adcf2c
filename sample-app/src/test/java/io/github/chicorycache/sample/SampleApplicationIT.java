package io.github.chicorycache.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.json.JsonParser;
import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the packaged sample as a separate process, three times over one fresh cache
 * directory: the first start compiles, the second loads from disk, and after
 * {@code DELETE /actuator/chicorycache} the third compiles again.
 */
@SuppressWarnings({ "rawtypes", "unchecked" })
class SampleApplicationIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonParser json = JsonParserFactory.getJsonParser();

	private final ReadmeExamples readme = ReadmeExamples.load();

	@TempDir
	Path work;

	@Test
	void cacheSurvivesRestartsAndCanBeCleared() throws Exception {
		Path cache = this.work.resolve("cache");
		try (Sample first = start(cache, "first")) {
			this.readme.assertLogged("log-first-start", first.log());
			first.awaitStored(2);
			// The scheduler's first pass may have counted the directory while the writer
			// stored: a pass now counts both entries, as the README's report shows.
			HttpResponse<byte[]> cleanup = first.send(HttpRequest.newBuilder(first.uri("/actuator/chicorycache"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"cleanup\"}")));
			assertThat(cleanup.statusCode()).isEqualTo(200);
			assertThat(first.log()).contains("Module wat2wasm").contains("compiled code from COMPILER");
			// in the README's order, before anything else touches the cache
			for (String example : List.of("report", "entries", "absent-entry", "invalid-key", "invalid-limit",
					"cleanup", "reset-stats", "health", "vowels", "invalid-wat")) {
				first.assertExample(example);
			}
			HttpResponse<byte[]> wasm = first.post("/wat2wasm",
					"(module (func (export \"answer\") (result i32) i32.const 42))");
			assertThat(wasm.statusCode()).isEqualTo(200);
			assertThat(wasm.body()).startsWith(0x00, 0x61, 0x73, 0x6d);
			HttpResponse<byte[]> invalid = first.post("/wat2wasm", "(module (func i32.bogus))");
			assertThat(invalid.statusCode()).isEqualTo(400);
			assertThat(new String(invalid.body())).contains("i32.bogus");
			Map report = first.getJson("/actuator/chicorycache");
			assertThat(stat(report, "puts")).isZero();
			assertThat(compilations(report, "compiler")).isEqualTo(2);
			assertSizingOfTheReadme(first.getJson("/actuator/chicorycache/entries"));
		}
		try (Sample second = start(cache, "second")) {
			this.readme.assertLogged("log-later-start", second.log());
			assertThat(second.log()).contains("Module wat2wasm")
				.contains("compiled code from DISK")
				.doesNotContain("compiled code from COMPILER");
			Map report = second.getJson("/actuator/chicorycache");
			assertThat(stat(report, "hits")).isEqualTo(2);
			assertThat(stat(report, "puts")).isZero();
			assertThat(compilations(report, "compiler")).isZero();
			assertThat(compilations(report, "disk")).isEqualTo(2);
			assertThat(((Number) second.getJson("/vowels?text=Hello%2C%20World!").get("vowels")).intValue())
				.isEqualTo(3);
			for (String example : List.of("evict", "evict-again", "clear")) {
				second.assertExample(example);
			}
		}
		try (Stream<Path> files = Files.walk(cache)) {
			assertThat(files.filter((path) -> path.toString().endsWith(".jar"))).isEmpty();
		}
		try (Sample third = start(cache, "third")) {
			assertThat(third.log()).contains("compiled code from COMPILER").doesNotContain("compiled code from DISK");
		}
	}

	/**
	 * The README sizes a cache by the entry of wat2wasm, in KB.
	 */
	private void assertSizingOfTheReadme(Map entries) {
		long size = ((List<Map>) entries.get("entries")).stream()
			.filter((entry) -> "sha-256:+L/9JSlCTYF1YhCMqORkzMG4yChSjhMw3J2zLEnr7mM=".equals(entry.get("key")))
			.mapToLong((entry) -> ((Number) entry.get("sizeBytes")).longValue())
			.findFirst()
			.orElseThrow();
		assertThat(this.readme.readme().replaceAll("\\s+", " "))
			.contains("the 1.5 MB `wat2wasm` gives a " + Math.round(size / 1000.0) + " KB entry");
	}

	private static long stat(Map report, String name) {
		return ((Number) ((Map) report.get("stats")).get(name)).longValue();
	}

	private static long compilations(Map report, String source) {
		Map compiler = (Map) report.get("compiler");
		Map compilations = (Map) compiler.get("compilations");
		return ((Number) ((Map) compilations.get(source)).get("count")).longValue();
	}

	private Sample start(Path cache, String name) throws Exception {
		int port = freePort();
		Path log = this.work.resolve(name + ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-jar");
		command.add(sampleJar().toString());
		command.add("--server.port=" + port);
		command.add("--chicory.cache.directory=" + cache);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		Sample sample = new Sample(process, port, log);
		sample.awaitStarted();
		return sample;
	}

	private static Path sampleJar() throws IOException {
		try (Stream<Path> jars = Files.list(Path.of("target"))) {
			return jars.filter((path) -> path.getFileName().toString().matches("chicory-cache-sample-app-.*\\.jar"))
				.filter((path) -> !path.getFileName().toString().endsWith("-plain.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("Package the sample first (mvn verify does)"));
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private final class Sample implements AutoCloseable {

		private final Process process;

		private final int port;

		private final Path log;

		Sample(Process process, int port, Path log) {
			this.process = process;
			this.port = port;
			this.log = log;
		}

		void awaitStarted() throws Exception {
			long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("Sample exited with " + this.process.exitValue() + ":\n" + log());
				}
				if (log().contains("Started SampleApplication")) {
					return;
				}
				this.process.waitFor(200, TimeUnit.MILLISECONDS);
			}
			throw new IllegalStateException("Sample did not start within " + STARTUP_TIMEOUT + ":\n" + log());
		}

		/**
		 * Waits until the compiler's background writer stored as many entries: the
		 * application may answer before it is done.
		 */
		void awaitStored(long puts) throws Exception {
			long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
			while (stat(getJson("/actuator/chicorycache"), "puts") < puts) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Not " + puts + " entries stored within " + STARTUP_TIMEOUT);
				}
				this.process.waitFor(100, TimeUnit.MILLISECONDS);
			}
		}

		String log() {
			try {
				return Files.readString(this.log);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		URI uri(String path) {
			return URI.create("http://127.0.0.1:" + this.port + path);
		}

		HttpResponse<byte[]> post(String path, String body) throws Exception {
			return send(HttpRequest.newBuilder(uri(path))
				.header("Content-Type", "text/plain")
				.POST(HttpRequest.BodyPublishers.ofString(body)));
		}

		Map getJson(String path) throws Exception {
			HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri(path)).GET());
			assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
			return SampleApplicationIT.this.json.parseMap(new String(response.body()));
		}

		/**
		 * Sends the {@code curl} command of a README example and compares the answer.
		 */
		void assertExample(String name) throws Exception {
			HttpResponse<byte[]> response = send(SampleApplicationIT.this.readme.request(name, this.port));
			SampleApplicationIT.this.readme.assertAnswer(name, response.statusCode(), new String(response.body()));
		}

		HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
			return SampleApplicationIT.this.http.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofByteArray());
		}

		@Override
		public void close() {
			this.process.destroy();
			try {
				if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}

	}

}
