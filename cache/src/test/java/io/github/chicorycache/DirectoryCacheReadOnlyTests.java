package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A read-only cache reads and verifies entries but never creates, writes, deletes or
 * touches anything.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheReadOnlyTests {

	private static final Instant LONG_AGO = Instant.parse("2020-01-01T00:00:00Z");

	@TempDir
	Path temp;

	@Test
	void neverCreatesTheRoot() {
		Path root = this.temp.resolve("a/cache");
		Map<String, String> before = CacheFixtures.snapshot(this.temp);
		try (DirectoryCache cache = readOnly(root).build()) {
			assertThat(cache.isReadOnly()).isTrue();
			assertThat(cache.isWritable()).isFalse();
			String key = CacheFixtures.key(1);
			assertThat(cache.get(key)).isNull();
			cache.putIfAbsent(key, new byte[10]);
			cache.namespace("v1").putIfAbsent(key, new byte[10]);
			assertThat(cache.get(key)).isNull();
			assertThat(cache.entries()).isEmpty();
			assertThat(cache.entry(key)).isEmpty();
			CleanupResult result = cache.cleanup();
			assertThat(result.entriesAfter()).isZero();
			CacheStats stats = cache.stats();
			assertThat(stats.misses()).isEqualTo(2);
			assertThat(stats.puts()).isZero();
			assertThat(stats.putFailures()).isZero();
			assertThat(stats.faults()).isZero();
		}
		assertThat(root.getParent()).doesNotExist();
		assertThat(CacheFixtures.snapshot(this.temp)).isEqualTo(before);
	}

	@Test
	void readsAndVerifiesButNeverWritesDeletesOrTouches() throws IOException {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache writer = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			for (int i = 0; i < 4; i++) {
				writer.putIfAbsent(CacheFixtures.key(i), CacheFixtures.payload(CacheFixtures.key(i), 1000));
			}
			writer.namespace("v1").putIfAbsent(CacheFixtures.key(0), new byte[] { 7 });
		}
		// everything is old, over every limit, one entry is damaged and a temp file is
		// orphaned
		for (Path file : CacheFixtures.entryFiles(root)) {
			CacheFixtures.setLastAccess(file, LONG_AGO);
		}
		Path damaged = CacheFixtures.expectedPath(root, CacheFixtures.key(3));
		Files.write(damaged, new byte[] { 1, 2, 3, 4 });
		CacheFixtures.setLastAccess(damaged, LONG_AGO);
		Path orphan = Files.write(root.resolve(DirectoryCache.TEMP_DIRECTORY).resolve("pid1-x.tmp"), new byte[10]);
		CacheFixtures.setLastAccess(orphan, LONG_AGO);
		Map<String, String> before = CacheFixtures.snapshot(root);

		try (DirectoryCache cache = readOnly(root).withMaxEntries(1)
			.withMaxSizeBytes(100)
			.withMaxAge(Duration.ofMinutes(1))
			.withTempFileMaxAge(Duration.ZERO)
			.build()) {
			// the opening pass ran (direct executor) and only counted
			assertThat(cache.stats().lastCleanup()).isNotNull();
			assertThat(cache.stats().entryCount()).isEqualTo(5);
			assertThat(cache.get(CacheFixtures.key(0))).isEqualTo(CacheFixtures.payload(CacheFixtures.key(0), 1000));
			assertThat(cache.namespace("v1").get(CacheFixtures.key(0))).containsExactly(7);
			assertThat(cache.get(CacheFixtures.key(3))).isNull();
			assertThat(cache.get(CacheFixtures.key(99))).isNull();
			cache.putIfAbsent(CacheFixtures.key(99), new byte[10]);
			cache.putIfAbsent(CacheFixtures.key(3), new byte[10]);
			CleanupResult result = cache.cleanup();
			assertThat(result.evicted()).isEmpty();
			assertThat(result.tempFilesDeleted()).isZero();
			assertThat(result.entriesBefore()).isEqualTo(5);
			assertThat(result.entriesAfter()).isEqualTo(5);
			CacheStats stats = cache.stats();
			assertThat(stats.hits()).isEqualTo(2);
			assertThat(stats.misses()).isEqualTo(2);
			assertThat(stats.corruptEntries()).isOne();
			assertThat(stats.evictionCount()).isZero();
			assertThat(stats.puts()).isZero();
			assertThat(stats.bytesWritten()).isZero();
			assertThat(cache.entries()).hasSize(5);
		}
		// same files, same content, same modification times
		assertThat(CacheFixtures.snapshot(root)).isEqualTo(before);
		assertThat(Files.getLastModifiedTime(CacheFixtures.expectedPath(root, CacheFixtures.key(0))).toInstant())
			.isEqualTo(LONG_AGO);
	}

	@Test
	void evictAndClearAreRefused() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache writer = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			writer.putIfAbsent(CacheFixtures.key(1), new byte[10]);
		}
		Map<String, String> before = CacheFixtures.snapshot(root);
		try (DirectoryCache cache = readOnly(root).build()) {
			assertThatIllegalStateException().isThrownBy(() -> cache.evict(CacheFixtures.key(1)))
				.withMessageContaining("read-only")
				.withMessageContaining(root.toString());
			assertThatIllegalStateException().isThrownBy(() -> cache.namespace("v1").evict(CacheFixtures.key(1)))
				.withMessageContaining("read-only");
			assertThatIllegalStateException().isThrownBy(cache::clear).withMessageContaining("read-only");
			assertThat(cache.get(CacheFixtures.key(1))).hasSize(10);
			assertThat(cache).hasToString("DirectoryCache[" + root + ", read-only]");
		}
		assertThat(CacheFixtures.snapshot(root)).isEqualTo(before);
	}

	private static DirectoryCache.Builder readOnly(Path root) {
		return DirectoryCache.builder(root).withReadOnly(true).withExecutor(CacheFixtures.DIRECT);
	}

}
