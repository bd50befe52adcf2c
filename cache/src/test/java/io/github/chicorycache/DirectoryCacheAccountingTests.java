package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statistics tell the truth after partial failures (issue 11, case 8): orphan temporary
 * files count toward the size limit until they are swept, and a directory where an entry
 * belongs makes a put a counted failure, not a silent no-op (what a failed delete does to
 * {@code clear()} and cleanup is {@code CleanupPassTests}).
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheAccountingTests {

	private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

	private static final int PAYLOAD = 1000;

	private static final long ENTRY = CacheFixtures.entrySize(CacheFixtures.key(0), PAYLOAD);

	private final CacheFixtures.MutableClock clock = new CacheFixtures.MutableClock(T0);

	@TempDir
	Path root;

	@Test
	void orphanTemporaryFilesCountTowardTheSizeLimitUntilSwept() throws IOException {
		try (DirectoryCache cache = DirectoryCache.builder(this.root)
			.withExecutor(CacheFixtures.DIRECT)
			.withClock(this.clock)
			.withMaxSizeBytes(10 * ENTRY)
			.build()) {
			for (int i = 0; i < 5; i++) {
				this.clock.set(T0.plusSeconds(i));
				cache.putIfAbsent(CacheFixtures.key(i), new byte[PAYLOAD]);
			}
			// a writer that died left 8 entries' worth of temporary file
			Path orphan = Files.write(this.root.resolve(DirectoryCache.TEMP_DIRECTORY).resolve("pid1-1.tmp"),
					new byte[(int) (8 * ENTRY)]);
			CacheFixtures.setLastAccess(orphan, T0);
			CleanupResult result = cache.cleanup();
			assertThat(result.bytesBefore()).isEqualTo(13 * ENTRY);
			// down to 90% of the limit: the 4 least recently used entries go
			assertThat(result.evicted()).containsEntry(EvictionCause.SIZE, 4L);
			assertThat(result.bytesAfter()).isEqualTo(9 * ENTRY);
			assertThat(cache.stats().totalBytes()).isEqualTo(9 * ENTRY);
			assertThat(cache.get(CacheFixtures.key(4))).isNotNull();
			// swept once it is old enough, it no longer counts
			this.clock.set(T0.plus(DirectoryCache.DEFAULT_TEMP_FILE_MAX_AGE).plusSeconds(1));
			result = cache.cleanup();
			assertThat(result.tempFilesDeleted()).isOne();
			assertThat(result.bytesAfter()).isEqualTo(ENTRY);
			assertThat(cache.stats().totalBytes()).isEqualTo(ENTRY);
		}
	}

	@Test
	void directoryWhereAnEntryBelongsMakesEveryPutACountedFailure() throws IOException {
		try (DirectoryCache cache = DirectoryCache.builder(this.root).withExecutor(CacheFixtures.DIRECT).build()) {
			String key = CacheFixtures.key(1);
			Path directory = Files.createDirectories(CacheFixtures.expectedPath(this.root, key));
			Files.writeString(directory.resolve("content"), "x");
			for (int i = 0; i < 3; i++) {
				cache.putIfAbsent(key, new byte[] { 1 });
			}
			CacheStats stats = cache.stats();
			assertThat(stats.puts()).isZero();
			assertThat(stats.putFailures()).isEqualTo(3);
			assertThat(stats.faults()).isEqualTo(3);
			assertThat(stats.lastFault().kind()).isEqualTo(CacheFault.Kind.WRITE);
			assertThat(stats.lastFault().message()).contains(directory + " is a directory");
		}
	}

	@Test
	void entriesDeletedBehindTheCachesBackAreNotCountedAsItsEvictions() {
		try (DirectoryCache cache = DirectoryCache.builder(this.root).withExecutor(CacheFixtures.DIRECT).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
			cache.putIfAbsent(CacheFixtures.key(2), new byte[] { 2 });
			for (Path file : CacheFixtures.entryFiles(this.root)) {
				try {
					Files.delete(file);
				}
				catch (IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			}
			assertThat(cache.evict(CacheFixtures.key(1))).isFalse();
			assertThat(cache.stats().evictionCount()).isZero();
			assertThat(cache.stats().faults()).isZero();
		}
	}

	@Test
	void cleanupPassOnAnEmptyRootCountsNothing() {
		try (DirectoryCache cache = DirectoryCache.builder(this.root)
			.withExecutor(CacheFixtures.DIRECT)
			.withTempFileMaxAge(Duration.ZERO)
			.build()) {
			CleanupResult result = cache.cleanup();
			assertThat(result.bytesBefore()).isZero();
			assertThat(result.entriesAfter()).isZero();
		}
	}

}
