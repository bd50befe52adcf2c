package io.github.chicorycache.redis;

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
import java.util.logging.Logger;

import io.github.chicorycache.testsupport.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fleet of separate JVMs ({@link FleetWorker}), each with its own local directory, on
 * one Redis, all starting to compile the same modules at the same moment: each module is
 * compiled once in the whole fleet, the others load it from Redis, and every instance
 * computes the right results.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FleetProcessTests {

	private static final int INSTANCES = 3;

	private static final int MODULES = 6;

	private static final Logger logger = Logger.getLogger(FleetProcessTests.class.getName());

	@TempDir
	Path temp;

	@Test
	void aFleetCompilesEachModuleOnce() throws Exception {
		List<Worker> workers = new ArrayList<>();
		try (RedisServerProcess server = RedisServerProcess.start(this.temp.resolve("redis"))) {
			try {
				for (int i = 0; i < INSTANCES; i++) {
					workers.add(Worker.start(String.valueOf(server.port()),
							this.temp.resolve("instance-" + i).toString(), "100", String.valueOf(MODULES), "2"));
				}
				for (Worker worker : workers) {
					worker.awaitLine(FleetWorker.READY, Duration.ofSeconds(120));
				}
				for (Worker worker : workers) {
					worker.send("go");
				}
				long compiled = 0;
				long remote = 0;
				long puts = 0;
				for (Worker worker : workers) {
					Map<String, Long> result = parse(worker.awaitLine(FleetWorker.RESULT, Duration.ofSeconds(180)));
					assertThat(worker.waitFor(Duration.ofSeconds(60))).as(worker.output()).isZero();
					assertThat(result).as(worker.output())
						.containsEntry("failures", 0L)
						.containsEntry("rejected", 0L)
						.containsEntry("faults", 0L)
						.containsEntry("dropped", 0L)
						.containsEntry("disk", 0L);
					compiled += result.get("compiler");
					remote += result.get("remote");
					puts += result.get("puts");
				}
				// Which instance led which module, and who waited: for the test log.
				logger.info(() -> "Fleet results: " + workers.stream().map(Worker::output).toList());
				String outputs = String.join("\n", workers.stream().map(Worker::output).toList());
				assertThat(compiled).as("compilations in the fleet\n" + outputs).isEqualTo(MODULES);
				assertThat(remote).as("loads from Redis").isEqualTo((long) MODULES * (INSTANCES - 1));
				assertThat(puts).isEqualTo(MODULES);
				assertThat(server.keys("*")).as("entries only, no lease left").hasSize(MODULES);
			}
			finally {
				workers.forEach(Worker::close);
			}
		}
	}

	private static Map<String, Long> parse(String line) {
		Map<String, Long> values = new HashMap<>();
		for (String part : line.split(" ")) {
			int equals = part.indexOf('=');
			if (equals > 0) {
				values.put(part.substring(0, equals), Long.parseLong(part.substring(equals + 1)));
			}
		}
		return values;
	}

	/**
	 * A {@link FleetWorker} JVM on the test class path, its output collected line by
	 * line.
	 */
	private static final class Worker implements AutoCloseable {

		private final Process process;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		private final List<String> output = Collections.synchronizedList(new ArrayList<>());

		private final Writer input;

		private Worker(Process process) {
			this.process = process;
			this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
			Thread reader = new Thread(this::read, "fleet-worker-" + process.pid());
			reader.setDaemon(true);
			reader.start();
		}

		static Worker start(String... args) throws IOException {
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.add("-Xmx256m");
			command.add("-XX:TieredStopAtLevel=1");
			String logging = System.getProperty("java.util.logging.config.file");
			if (logging != null) {
				command.add("-Djava.util.logging.config.file=" + logging);
			}
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add(FleetWorker.class.getName());
			command.addAll(List.of(args));
			return new Worker(new ProcessBuilder(command).redirectErrorStream(true).start());
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
				// the process ended
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
