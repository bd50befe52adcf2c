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

/**
 * Modification times in the future (clock skew on a shared volume, a restored backup)
 * used to pin entries: never aged out, outliving fresh entries under LRU, and a temporary
 * file dated in the future was never swept (issue 11, case 7). A time more than a minute
 * ahead is now taken for the time of the scan that sees it, and rewritten.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheClockSkewTests {

	private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

	private static final Instant NEXT_YEAR = T0.plus(Duration.ofDays(365));

	private final CacheFixtures.MutableClock clock = new CacheFixtures.MutableClock(T0);

	@TempDir
	Path root;

	@Test
	void entryDatedInTheFutureAgesFromTheScanThatSeesIt() {
		try (DirectoryCache cache = builder().withMaxAge(Duration.ofHours(1)).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
			Path file = CacheFixtures.expectedPath(this.root, CacheFixtures.key(1));
			CacheFixtures.setLastAccess(file, NEXT_YEAR);
			this.clock.set(T0.plusSeconds(10));
			assertThat(cache.cleanup().evictedTotal()).isZero();
			assertThat(lastModified(file)).isEqualTo(T0.plusSeconds(10));
			assertThat(cache.entry(CacheFixtures.key(1)).get().lastAccess()).isEqualTo(T0.plusSeconds(10));
			this.clock.set(T0.plus(Duration.ofHours(2)));
			assertThat(cache.cleanup().evicted()).containsExactly(Map.entry(EvictionCause.AGE, 1L));
			assertThat(file).doesNotExist();
		}
	}

	@Test
	void entryDatedInTheFutureDoesNotOutliveFreshEntries() {
		try (DirectoryCache cache = builder().withMaxEntries(3).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
			CacheFixtures.setLastAccess(CacheFixtures.expectedPath(this.root, CacheFixtures.key(1)), NEXT_YEAR);
			cache.cleanup();
			// used after the scan that corrected the time: 2, 3 and 4 are fresher than 1
			for (int i = 2; i <= 4; i++) {
				this.clock.advance(Duration.ofMinutes(1));
				cache.putIfAbsent(CacheFixtures.key(i), new byte[] { (byte) i });
			}
			// 4 entries over a limit of 3, trimmed to 2: the oldest go, 1 first
			assertThat(cache.get(CacheFixtures.key(1))).isNull();
			assertThat(cache.get(CacheFixtures.key(4))).containsExactly(4);
			assertThat(cache.stats().evictions(EvictionCause.COUNT)).isEqualTo(2);
		}
	}

	@Test
	void timesWithinTheToleranceAreLeftAlone() {
		try (DirectoryCache cache = builder().build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
			Path file = CacheFixtures.expectedPath(this.root, CacheFixtures.key(1));
			CacheFixtures.setLastAccess(file, T0.plusSeconds(59));
			cache.cleanup();
			assertThat(lastModified(file)).isEqualTo(T0.plusSeconds(59));
		}
	}

	@Test
	void temporaryFileDatedInTheFutureIsSweptOnceItAgedFromTheScanThatSawIt() throws IOException {
		try (DirectoryCache cache = builder().build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
			Path orphan = Files.write(this.root.resolve(DirectoryCache.TEMP_DIRECTORY).resolve("pid1-1.tmp"),
					new byte[10]);
			CacheFixtures.setLastAccess(orphan, NEXT_YEAR);
			assertThat(cache.cleanup().tempFilesDeleted()).isZero();
			assertThat(lastModified(orphan)).isEqualTo(T0);
			this.clock.set(T0.plus(DirectoryCache.DEFAULT_TEMP_FILE_MAX_AGE).plusSeconds(1));
			assertThat(cache.cleanup().tempFilesDeleted()).isOne();
			assertThat(orphan).doesNotExist();
		}
	}

	@Test
	void readOnlyCacheTakesFutureTimesForNowWithoutRewritingThem() {
		try (DirectoryCache writer = builder().build()) {
			writer.putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
		}
		Path file = CacheFixtures.expectedPath(this.root, CacheFixtures.key(1));
		CacheFixtures.setLastAccess(file, NEXT_YEAR);
		try (DirectoryCache cache = builder().withReadOnly(true).build()) {
			assertThat(cache.entries()).singleElement()
				.satisfies((entry) -> assertThat(entry.lastAccess()).isEqualTo(T0));
		}
		assertThat(lastModified(file)).isEqualTo(NEXT_YEAR);
	}

	private DirectoryCache.Builder builder() {
		return DirectoryCache.builder(this.root).withExecutor(CacheFixtures.DIRECT).withClock(this.clock);
	}

	private static Instant lastModified(Path file) {
		try {
			return Files.getLastModifiedTime(file).toInstant();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
