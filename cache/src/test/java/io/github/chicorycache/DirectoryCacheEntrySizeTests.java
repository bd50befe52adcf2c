package io.github.chicorycache;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A maximum entry size, checked before anything of an entry's size is allocated (issue
 * 11, case 5): a 2 GB entry whose header is consistent with its size used to be read
 * whole into memory, and an {@link OutOfMemoryError} escaped from every compile. The
 * files are sparse: the tests allocate neither disk nor memory of their size.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheEntrySizeTests {

	@TempDir
	Path temp;

	@Test
	void defaultIs256MiB() {
		assertThat(DirectoryCache.DEFAULT_MAX_ENTRY_SIZE_BYTES).isEqualTo(256L * 1024 * 1024);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DirectoryCache.builder(this.temp).withMaxEntrySizeBytes(0))
			.withMessageContaining("maxEntrySizeBytes");
	}

	@Test
	void hugeEntryConsistentWithItsHeaderIsEvictedAsDamagedBeforeItIsRead() throws IOException {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		Path file = sparseEntry(root, key, 2_000_000_000);
		// no opening pass: it would evict the file for the size limit before the read
		try (DirectoryCache cache = direct(root).withCleanupOnOpen(false).build()) {
			assertThat(cache.get(key)).isNull();
			CacheStats stats = cache.stats();
			assertThat(stats.misses()).isOne();
			assertThat(stats.corruptEntries()).isOne();
			assertThat(stats.evictions(EvictionCause.CORRUPT)).isOne();
			assertThat(stats.lastFault().message())
				.contains("exceeds the maximum entry size of " + DirectoryCache.DEFAULT_MAX_ENTRY_SIZE_BYTES);
			assertThat(file).doesNotExist();
		}
	}

	@Test
	void hugeEntryIsLeftInPlaceButCountedWhenReadOnly() throws IOException {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		Path file = sparseEntry(root, key, 1_000_000_000);
		try (DirectoryCache cache = direct(root).withReadOnly(true).build()) {
			assertThat(cache.get(key)).isNull();
			assertThat(cache.stats().corruptEntries()).isOne();
		}
		assertThat(file).exists();
	}

	@Test
	void maximumEntrySizeIsConfigurableAndAppliesToPutsAndGets() {
		Path root = this.temp.resolve("cache");
		String small = CacheFixtures.key(1);
		String large = CacheFixtures.key(2);
		try (DirectoryCache cache = direct(root).build()) {
			cache.putIfAbsent(large, new byte[2000]);
		}
		long limit = CacheFixtures.entrySize(small, 1000);
		try (DirectoryCache cache = direct(root).withMaxEntrySizeBytes(limit).build()) {
			cache.putIfAbsent(small, new byte[1000]);
			assertThat(cache.get(small)).hasSize(1000);
			cache.putIfAbsent(CacheFixtures.key(3), new byte[1001]);
			assertThat(cache.stats().putFailures()).isOne();
			assertThat(cache.stats().lastFault().message()).contains("exceeds the maximum entry size of " + limit);
			// an entry stored under a larger limit is damaged under this one
			assertThat(cache.get(large)).isNull();
			assertThat(cache.stats().corruptEntries()).isOne();
			assertThat(CacheFixtures.expectedPath(root, large)).doesNotExist();
		}
	}

	/**
	 * Errors of the read path never reach the caller: a JVM with a heap of 256 MB,
	 * allowed any entry size, runs out of memory on a consistent 1 GB entry and counts a
	 * miss and a fault.
	 */
	@Test
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	void outOfMemoryErrorOfTheReadPathIsAMissAndAFault() throws Exception {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		sparseEntry(root, key, 1_000_000_000);
		try (DirectoryCacheMultiProcessTests.WorkerProcess worker = DirectoryCacheMultiProcessTests.WorkerProcess
			.start("read-any-size", root.toString(), key)) {
			Map<String, String> result = DirectoryCacheMultiProcessTests
				.parse(worker.awaitLine(DirectoryCacheWorker.RESULT, Duration.ofSeconds(60)));
			assertThat(result).as(worker.output())
				.containsEntry("hit", "false")
				.containsEntry("misses", "1")
				.containsEntry("faults", "1")
				.containsEntry("error", "none");
			assertThat(worker.output()).contains("Could not read").contains("java.lang.OutOfMemoryError");
			assertThat(worker.waitFor(Duration.ofSeconds(60))).as(worker.output()).isZero();
		}
	}

	/**
	 * Writes the header of an entry whose payload is {@code payloadLength} bytes and
	 * extends the file to the size the header announces, as a sparse file.
	 */
	static Path sparseEntry(Path root, String key, int payloadLength) throws IOException {
		Path file = CacheFixtures.expectedPath(root, key);
		Files.createDirectories(file.getParent());
		byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
		ByteBuffer header = ByteBuffer.allocate(19 + keyBytes.length);
		header.put("CHCE".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).putShort((short) keyBytes.length);
		header.put(keyBytes).putLong(System.currentTimeMillis()).putInt(payloadLength);
		try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
			raf.write(header.array());
			raf.setLength(CacheFixtures.entrySize(key, payloadLength));
		}
		return file;
	}

	private static DirectoryCache.Builder direct(Path root) {
		return DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT);
	}

}
