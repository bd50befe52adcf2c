package io.github.chicorycache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.chicorycache.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Separate JVMs ({@link DirectoryCacheWorker}) share one directory: concurrent writers
 * and readers never see a wrong or partial entry, and a writer killed with
 * {@code SIGKILL} mid-write leaves only temporary files, which the next opening removes.
 */
@ExtendWith(QuietCacheLog.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DirectoryCacheMultiProcessTests {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path temp;

	@Test
	void concurrentProcessesWriteAndReadOneDirectoryWithoutErrors() throws Exception {
		Path root = this.temp.resolve("cache");
		int workers = 4;
		int keySpace = 60;
		int maxEntries = 10;
		List<WorkerProcess> processes = new ArrayList<>();
		try {
			for (int i = 0; i < workers; i++) {
				processes.add(WorkerProcess.start("stress", root.toString(), String.valueOf(i), "300",
						String.valueOf(keySpace), String.valueOf(maxEntries)));
			}
			for (WorkerProcess process : processes) {
				process.awaitLine(DirectoryCacheWorker.READY, START_TIMEOUT);
			}
			for (WorkerProcess process : processes) {
				process.send("go");
			}
			long hits = 0;
			long puts = 0;
			long evictions = 0;
			for (WorkerProcess process : processes) {
				Map<String, String> result = parse(
						process.awaitLine(DirectoryCacheWorker.RESULT, Duration.ofSeconds(120)));
				assertThat(result).as(process.output())
					.containsEntry("errors", "0")
					.containsEntry("corrupt", "0")
					.containsEntry("putFailures", "0")
					.containsEntry("faults", "0");
				hits += Long.parseLong(result.get("hits"));
				puts += Long.parseLong(result.get("puts"));
				evictions += Long.parseLong(result.get("evictions"));
				assertThat(process.waitFor(Duration.ofSeconds(60))).as(process.output()).isZero();
			}
			assertThat(hits).isPositive();
			assertThat(puts).isPositive();
			assertThat(evictions).as("entries were evicted while other processes read them").isPositive();
		}
		finally {
			processes.forEach(WorkerProcess::close);
		}
		// what is left is intact, and within the limit after a pass
		try (DirectoryCache cache = DirectoryCache.builder(root)
			.withExecutor(CacheFixtures.DIRECT)
			.withMaxEntries(maxEntries)
			.build()) {
			assertThat(CacheFixtures.entryFiles(root)).hasSizeLessThanOrEqualTo(maxEntries);
			assertThat(CacheFixtures.tempFiles(root)).isEmpty();
			for (CacheEntry entry : cache.entries()) {
				assertThat(entry.key()).isNotNull();
				assertThat(cache.get(entry.key()))
					.isEqualTo(CacheFixtures.payload(entry.key(), DirectoryCacheWorker.STRESS_MAX_PAYLOAD));
			}
			assertThat(cache.stats().corruptEntries()).isZero();
			assertThat(cache.stats().entryCount()).isEqualTo(CacheFixtures.entryFiles(root).size());
		}
	}

	@Test
	void writerKilledMidWriteLeavesNoPartialEntryAndItsTempFilesAreRemovedOnNextOpen() throws Exception {
		Path root = this.temp.resolve("cache");
		int payloadBytes = 32 * 1024 * 1024;
		List<Path> orphans = List.of();
		for (int attempt = 0; attempt < 5 && writtenBytes(orphans) == 0; attempt++) {
			try (WorkerProcess hog = WorkerProcess.start("hog", root.toString(), String.valueOf(payloadBytes))) {
				hog.awaitLine(DirectoryCacheWorker.READY, START_TIMEOUT);
				// kill it while a temporary file holds part (or all) of an unpublished
				// entry
				Await.await("a partly written temporary file", 60_000,
						() -> writtenBytes(CacheFixtures.tempFiles(root)) > 0 || !hog.isAlive());
				hog.kill();
				assertThat(hog.output()).doesNotContain("DONE");
			}
			// the kill may have landed just after a publication: then try again
			orphans = CacheFixtures.tempFiles(root);
		}
		assertThat(writtenBytes(orphans)).as("bytes in temporary files left by the killed writer").isPositive();

		// every visible entry is complete and right
		Map<Path, Integer> indexes = new HashMap<>();
		for (int i = 0; i < DirectoryCacheWorker.HOG_SMALL_ENTRIES + DirectoryCacheWorker.HOG_MAX_LARGE_ENTRIES; i++) {
			indexes.put(CacheFixtures.expectedPath(root, CacheFixtures.key(i)), i);
		}
		List<Path> entries = CacheFixtures.entryFiles(root);
		assertThat(entries).hasSizeGreaterThanOrEqualTo(DirectoryCacheWorker.HOG_SMALL_ENTRIES);
		try (DirectoryCache reader = DirectoryCache.builder(root)
			.withReadOnly(true)
			.withExecutor(CacheFixtures.DIRECT)
			.build()) {
			for (Path entry : entries) {
				assertThat(indexes).containsKey(entry);
				int index = indexes.get(entry);
				assertThat(reader.get(CacheFixtures.key(index))).as(entry.toString())
					.isEqualTo(DirectoryCacheWorker.hogPayload(index, payloadBytes));
			}
			assertThat(reader.stats().corruptEntries()).isZero();
			assertThat(reader.stats().hits()).isEqualTo(entries.size());
		}
		assertThat(CacheFixtures.tempFiles(root)).as("a reader leaves temporary files alone").isEqualTo(orphans);

		// a cache that does not consider them orphans yet leaves them too
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			assertThat(cache.stats().lastCleanup().tempFilesDeleted()).isZero();
		}
		assertThat(CacheFixtures.tempFiles(root)).isEqualTo(orphans);

		// the next start's cleanup removes them, and nothing else
		try (DirectoryCache cache = DirectoryCache.builder(root)
			.withTempFileMaxAge(Duration.ZERO)
			.withExecutor(CacheFixtures.DIRECT)
			.build()) {
			assertThat(CacheFixtures.tempFiles(root)).isEmpty();
			CleanupResult cleanup = cache.stats().lastCleanup();
			assertThat(cleanup.tempFilesDeleted()).isEqualTo(orphans.size());
			assertThat(cleanup.entriesAfter()).isEqualTo(entries.size());
			assertThat(CacheFixtures.entryFiles(root)).isEqualTo(entries);
			assertThat(cache.stats().faults()).isZero();
		}
	}

	private static long writtenBytes(List<Path> files) {
		long total = 0;
		for (Path file : files) {
			total += file.toFile().length();
		}
		return total;
	}

	static Map<String, String> parse(String line) {
		Map<String, String> values = new HashMap<>();
		for (String part : line.split(" ")) {
			int equals = part.indexOf('=');
			if (equals > 0) {
				values.put(part.substring(0, equals), part.substring(equals + 1));
			}
		}
		return values;
	}

	/**
	 * A {@link DirectoryCacheWorker} JVM, with its output collected line by line.
	 */
	static final class WorkerProcess implements AutoCloseable {

		private final Process process;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		private final List<String> output = Collections.synchronizedList(new ArrayList<>());

		private final Writer input;

		private WorkerProcess(Process process) {
			this.process = process;
			this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
			Thread reader = new Thread(this::read, "worker-output-" + process.pid());
			reader.setDaemon(true);
			reader.start();
		}

		static WorkerProcess start(String... args) throws IOException {
			return start(List.of(), args);
		}

		/**
		 * Starts a worker whose process has the given umask, through {@code sh}.
		 */
		static WorkerProcess startWithUmask(String umask, String... args) throws IOException {
			return start(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"), args);
		}

		private static WorkerProcess start(List<String> prefix, String... args) throws IOException {
			List<String> command = new ArrayList<>(prefix);
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.add("-Xmx256m");
			command.add("-XX:TieredStopAtLevel=1");
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add(DirectoryCacheWorker.class.getName());
			command.addAll(List.of(args));
			return new WorkerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
		}

		private void read() {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = reader.readLine(); line != null; line = reader.readLine()) {
					this.output.add(line);
					this.lines.add(line);
				}
			}
			catch (IOException ex) {
				// the process was killed
			}
		}

		String awaitLine(String prefix, Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (true) {
				String line = this.lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				if (line == null) {
					throw new AssertionError("No line starting with '" + prefix + "' within " + timeout + " (alive: "
							+ this.process.isAlive() + "); output:\n" + output());
				}
				if (line.startsWith(prefix)) {
					return line;
				}
			}
		}

		void send(String line) {
			try {
				this.input.write(line + "\n");
				this.input.flush();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		boolean isAlive() {
			return this.process.isAlive();
		}

		void kill() throws InterruptedException {
			this.process.destroyForcibly();
			assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).as("killed worker exited").isTrue();
		}

		int waitFor(Duration timeout) throws InterruptedException {
			assertThat(this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("worker exited").isTrue();
			return this.process.exitValue();
		}

		String output() {
			synchronized (this.output) {
				return String.join("\n", this.output);
			}
		}

		@Override
		public void close() {
			if (this.process.isAlive()) {
				this.process.destroyForcibly();
				try {
					this.process.waitFor(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

}
