package io.github.chicorycache.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.github.chicorycache.CacheEntry;
import io.github.chicorycache.CacheStats;
import io.github.chicorycache.CleanupResult;
import io.github.chicorycache.DirectoryCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Case 4: {@code stats()}, {@code entries()} and {@code cleanup()} of a
 * {@code DirectoryCache} holding 100, 1 000 and 10 000 entries of 1 KiB (valid keys,
 * synthetic payloads). The cleanup pass finds nothing to evict (the steady state of a
 * periodic pass): it scans, reconciles and returns. The directories are built once and
 * kept under the benchmark directory for later runs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@State(Scope.Benchmark)
public class MaintenanceBenchmark {

	private static final int PAYLOAD_SIZE = 1024;

	/** The number of entries in the cache. */
	@Param({ "100", "1000", "10000" })
	public int entries;

	Path directory;

	DirectoryCache cache;

	@Setup(Level.Trial)
	public void open() throws IOException {
		this.directory = populated(this.entries);
		this.cache = BenchSupport.directoryCache(this.directory);
		CleanupResult first = this.cache.cleanup();
		if (first.entriesAfter() != this.entries || first.evictedTotal() != 0) {
			throw new IllegalStateException("Expected " + this.entries + " entries, found " + first);
		}
	}

	@TearDown(Level.Trial)
	public void close() {
		this.cache.close();
	}

	@Benchmark
	public CacheStats stats() {
		return this.cache.stats();
	}

	@Benchmark
	public List<CacheEntry> entries() {
		return this.cache.entries();
	}

	@Benchmark
	public CleanupResult cleanup() {
		return this.cache.cleanup();
	}

	/**
	 * Returns a directory holding exactly {@code count} entries, building it if needed.
	 */
	static Path populated(int count) throws IOException {
		Path directory = BenchSupport.baseDirectory().resolve("entries-" + count);
		Path complete = directory.resolve(".complete");
		if (Files.exists(complete)) {
			return directory;
		}
		BenchSupport.deleteTree(directory);
		Files.createDirectories(directory);
		Random random = new Random(count);
		try (DirectoryCache cache = BenchSupport.directoryCache(directory)) {
			for (int i = 0; i < count; i++) {
				byte[] payload = new byte[PAYLOAD_SIZE];
				random.nextBytes(payload);
				cache.putIfAbsent(BenchSupport.key(i), payload);
			}
			if (cache.stats().puts() != count) {
				throw new IllegalStateException("Stored " + cache.stats().puts() + " of " + count + " entries");
			}
		}
		try {
			Files.createFile(complete);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return directory;
	}

}
