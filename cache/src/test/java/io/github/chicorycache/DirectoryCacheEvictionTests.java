package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Size, entry-count and age limits: trimming to 90% of a limit, least recently used
 * first, when a put crosses it; age eviction and orphan temporary files in
 * {@link DirectoryCache#cleanup()}; and limits under concurrent use.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheEvictionTests {

	private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

	/** All {@link CacheFixtures#key(int)} keys have the same length. */
	private static final int PAYLOAD = 1000;

	private static final long ENTRY = CacheFixtures.entrySize(CacheFixtures.key(0), PAYLOAD);

	@TempDir
	Path root;

	private final CacheFixtures.MutableClock clock = new CacheFixtures.MutableClock(T0);

	@Test
	void crossingTheEntryLimitTrimsToNinetyPercentLeastRecentlyUsedFirst() {
		CacheFixtures.CountingExecutor executor = new CacheFixtures.CountingExecutor();
		try (DirectoryCache cache = builder().withExecutor(executor).withMaxEntries(10).build()) {
			assertThat(executor.runs).as("the opening pass").hasValue(1);
			putAll(cache, 0, 10);
			assertThat(executor.runs).as("no pass before the limit is crossed").hasValue(1);
			assertThat(cache.stats().entryCount()).isEqualTo(10);

			this.clock.set(T0.plusSeconds(100));
			put(cache, 10);

			assertThat(executor.runs).hasValue(2);
			assertThat(presentKeys()).containsExactlyElementsOf(keys(2, 11));
			CacheStats stats = cache.stats();
			assertThat(stats.evictions(EvictionCause.COUNT)).isEqualTo(2);
			assertThat(stats.evictionCount()).isEqualTo(2);
			assertThat(stats.entryCount()).isEqualTo(9);
			assertThat(stats.totalBytes()).isEqualTo(9 * ENTRY);
			assertThat(stats.lastCleanup().evicted()).containsExactly(Map.entry(EvictionCause.COUNT, 2L));
			assertThat(stats.lastCleanup().entriesBefore()).isEqualTo(11);
			assertThat(stats.lastCleanup().entriesAfter()).isEqualTo(9);
			assertThat(stats.lastCleanup().bytesFreed()).isEqualTo(2 * ENTRY);

			// hysteresis: back at the limit, no new pass
			this.clock.set(T0.plusSeconds(101));
			put(cache, 11);
			assertThat(executor.runs).hasValue(2);
			assertThat(CacheFixtures.entryFiles(this.root)).hasSize(10);
			this.clock.set(T0.plusSeconds(102));
			put(cache, 12);
			assertThat(executor.runs).hasValue(3);
			assertThat(CacheFixtures.entryFiles(this.root)).hasSize(9);
		}
	}

	@Test
	void orderFollowsTheFilesModificationTimes() {
		try (DirectoryCache cache = builder().withMaxEntries(10).build()) {
			putAll(cache, 0, 10);
			// make 9, then 8, the least recently used, whatever the order of the puts
			for (int i = 0; i < 10; i++) {
				CacheFixtures.setLastAccess(CacheFixtures.expectedPath(this.root, CacheFixtures.key(i)),
						T0.plusSeconds(100 - i));
			}
			this.clock.set(T0.plusSeconds(1000));
			put(cache, 10);
			List<String> expected = new ArrayList<>(keys(0, 8));
			expected.add(CacheFixtures.key(10));
			assertThat(presentKeys()).containsExactlyElementsOf(expected);
		}
	}

	@Test
	void hitRefreshesLastAccessSoTheEntrySurvives() {
		try (DirectoryCache cache = builder().withMaxEntries(10).build()) {
			putAll(cache, 0, 10);
			Path first = CacheFixtures.expectedPath(this.root, CacheFixtures.key(0));
			this.clock.set(T0.plusSeconds(50));
			assertThat(cache.get(CacheFixtures.key(0))).isNotNull();
			assertThat(lastModified(first)).isEqualTo(T0.plusSeconds(50));
			this.clock.set(T0.plusSeconds(100));
			put(cache, 10);
			assertThat(presentKeys()).contains(CacheFixtures.key(0))
				.doesNotContain(CacheFixtures.key(1), CacheFixtures.key(2))
				.hasSize(9);
		}
	}

	@Test
	void crossingTheSizeLimitTrimsToNinetyPercent() {
		try (DirectoryCache cache = builder().withMaxSizeBytes(10 * ENTRY).build()) {
			putAll(cache, 0, 10);
			assertThat(cache.stats().evictionCount()).isZero();
			this.clock.set(T0.plusSeconds(100));
			put(cache, 10);
			assertThat(presentKeys()).containsExactlyElementsOf(keys(2, 11));
			CacheStats stats = cache.stats();
			assertThat(stats.evictions(EvictionCause.SIZE)).isEqualTo(2);
			assertThat(stats.evictions(EvictionCause.COUNT)).isZero();
			assertThat(stats.totalBytes()).isEqualTo(9 * ENTRY).isLessThanOrEqualTo((long) (0.9 * 10 * ENTRY));
			assertThat(CacheFixtures.entryBytes(this.root)).isEqualTo(stats.totalBytes());
		}
	}

	@Test
	void oneLargeEntryEvictsSeveralSmallOnes() throws IOException {
		try (DirectoryCache cache = builder().withMaxSizeBytes(10 * ENTRY).build()) {
			putAll(cache, 0, 8);
			this.clock.set(T0.plusSeconds(100));
			String big = CacheFixtures.key(100);
			// an entry exactly as large as 4 small ones
			cache.putIfAbsent(big, new byte[(int) (4 * ENTRY - (ENTRY - PAYLOAD))]);
			assertThat(Files.size(CacheFixtures.expectedPath(this.root, big))).isEqualTo(4 * ENTRY);
			// 8 + 4 entries' worth, over 10: down to 9 with the big one kept
			assertThat(presentKeys()).contains(big).containsAll(keys(3, 8)).hasSize(6);
			assertThat(cache.stats().evictions(EvictionCause.SIZE)).isEqualTo(3);
			assertThat(cache.stats().totalBytes()).isEqualTo(9 * ENTRY);
		}
	}

	@Test
	void anEntryLargerThanTheSizeLimitIsNotStoredAndEvictsNothing() {
		try (DirectoryCache cache = builder().withMaxSizeBytes(10 * ENTRY).build()) {
			putAll(cache, 0, 3);
			this.clock.set(T0.plusSeconds(100));
			String big = CacheFixtures.key(100);
			cache.putIfAbsent(big, new byte[(int) (10 * ENTRY)]);
			assertThat(presentKeys()).containsExactlyElementsOf(keys(0, 3));
			CacheStats stats = cache.stats();
			assertThat(stats.evictionCount()).isZero();
			assertThat(stats.puts()).isEqualTo(3);
			assertThat(stats.putFailures()).isOne();
			assertThat(stats.lastFault().kind()).isEqualTo(CacheFault.Kind.WRITE);
			assertThat(stats.lastFault().message()).contains("exceeds the size limit");
			// exactly at the limit is fine
			cache.clear();
			cache.putIfAbsent(big, new byte[(int) (10 * ENTRY - (ENTRY - PAYLOAD))]);
			assertThat(presentKeys()).containsExactly(big);
		}
	}

	@Test
	void putsCrossingTheLimitQueueOnePassAtATime() {
		CacheFixtures.QueueingExecutor executor = new CacheFixtures.QueueingExecutor();
		try (DirectoryCache cache = DirectoryCache.builder(this.root)
			.withExecutor(executor)
			.withClock(this.clock)
			.withMaxEntries(3)
			.withCleanupOnOpen(false)
			.build()) {
			putAll(cache, 0, 3);
			assertThat(executor.size()).isZero();
			putAll(cache, 3, 6);
			assertThat(executor.size()).as("one pass pending, whatever the number of puts").isOne();
			assertThat(CacheFixtures.entryFiles(this.root)).hasSize(6);
			executor.runAll();
			assertThat(presentKeys()).containsExactlyElementsOf(keys(4, 6));
			assertThat(cache.stats().entryCount()).isEqualTo(2);
			putAll(cache, 6, 8);
			assertThat(executor.size()).isOne();
		}
	}

	@Test
	void limitOfOneEntryKeepsTheMostRecentEntry() {
		try (DirectoryCache cache = builder().withMaxEntries(1).build()) {
			put(cache, 0);
			this.clock.set(T0.plusSeconds(10));
			put(cache, 1);
			assertThat(presentKeys()).containsExactly(CacheFixtures.key(1));
			assertThat(cache.get(CacheFixtures.key(1))).isNotNull();
			assertThat(cache.stats().evictions(EvictionCause.COUNT)).isOne();
			this.clock.set(T0.plusSeconds(20));
			put(cache, 2);
			assertThat(presentKeys()).containsExactly(CacheFixtures.key(2));
		}
	}

	@Test
	void namespacesCountTowardTheLimits() {
		try (DirectoryCache cache = builder().withMaxEntries(10).build()) {
			putAll(cache, 0, 6);
			DirectoryCache.Namespace v1 = cache.namespace("v1");
			for (int i = 6; i < 11; i++) {
				this.clock.set(T0.plusSeconds(i));
				v1.putIfAbsent(CacheFixtures.key(i), CacheFixtures.payloadOfSize(CacheFixtures.key(i), PAYLOAD));
			}
			assertThat(CacheFixtures.entryFiles(this.root)).hasSize(9);
			assertThat(cache.entries()).filteredOn((entry) -> entry.namespace().equals("v1")).hasSize(5);
			assertThat(cache.entries()).extracting(CacheEntry::key)
				.doesNotContain(CacheFixtures.key(0), CacheFixtures.key(1));
		}
	}

	@Test
	void limitsApplyToEntriesWrittenByOtherCachesWhenOpening() {
		try (DirectoryCache unlimited = builder().build()) {
			putAll(unlimited, 0, 20);
		}
		this.clock.set(T0.plusSeconds(100));
		try (DirectoryCache cache = builder().withMaxEntries(10).build()) {
			assertThat(presentKeys()).containsExactlyElementsOf(keys(11, 20));
			assertThat(cache.stats().evictions(EvictionCause.COUNT)).isEqualTo(11);
			assertThat(cache.stats().entryCount()).isEqualTo(9);
		}
	}

	@Test
	void cleanupEvictsEntriesUnusedForLongerThanTheMaximumAge() {
		try (DirectoryCache cache = builder().withMaxAge(Duration.ofHours(1)).build()) {
			putAll(cache, 0, 5);
			this.clock.set(T0.plusSeconds(1800));
			assertThat(cache.get(CacheFixtures.key(0))).isNotNull();
			put(cache, 5);
			this.clock.set(T0.plusSeconds(3600 + 60));
			CleanupResult result = cache.cleanup();
			assertThat(presentKeys()).containsExactlyInAnyOrder(CacheFixtures.key(0), CacheFixtures.key(5));
			assertThat(result.evicted()).containsExactly(Map.entry(EvictionCause.AGE, 4L));
			assertThat(result.bytesFreed()).isEqualTo(4 * ENTRY);
			assertThat(result.entriesBefore()).isEqualTo(6);
			assertThat(result.entriesAfter()).isEqualTo(2);
			assertThat(cache.stats().evictions(EvictionCause.AGE)).isEqualTo(4);
			assertThat(cache.stats().entryCount()).isEqualTo(2);
			// later, the rest expires too
			this.clock.set(T0.plusSeconds(3 * 3600));
			assertThat(cache.cleanup().evicted()).containsExactly(Map.entry(EvictionCause.AGE, 2L));
			assertThat(CacheFixtures.entryFiles(this.root)).isEmpty();
		}
	}

	@Test
	void ageEvictionUsesModificationTimesSetByAnyone() {
		try (DirectoryCache cache = builder().withMaxAge(Duration.ofDays(7)).build()) {
			putAll(cache, 0, 4);
			// another process used entry 1 recently; the others were last used 8 days ago
			for (int i = 0; i < 4; i++) {
				CacheFixtures.setLastAccess(CacheFixtures.expectedPath(this.root, CacheFixtures.key(i)),
						T0.minus(Duration.ofDays((i == 1) ? 1 : 8)));
			}
			assertThat(cache.cleanup().evicted()).containsExactly(Map.entry(EvictionCause.AGE, 3L));
			assertThat(presentKeys()).containsExactly(CacheFixtures.key(1));
		}
	}

	@Test
	void ageEvictionThatBringsTheCacheUnderTheLimitDoesNotTrimFurther() {
		try (DirectoryCache unlimited = builder().build()) {
			putAll(unlimited, 0, 11);
		}
		CacheFixtures.setLastAccess(CacheFixtures.expectedPath(this.root, CacheFixtures.key(0)),
				T0.minus(Duration.ofDays(2)));
		try (DirectoryCache cache = builder().withMaxEntries(10).withMaxAge(Duration.ofDays(1)).build()) {
			// 11 entries, 1 expired: 10 left, which is within the limit
			assertThat(cache.stats().lastCleanup().evicted()).containsExactly(Map.entry(EvictionCause.AGE, 1L));
			assertThat(presentKeys()).containsExactlyElementsOf(keys(1, 11));
		}
	}

	@Test
	void withoutAgeLimitOldEntriesStay() {
		try (DirectoryCache cache = builder().build()) {
			putAll(cache, 0, 3);
			this.clock.set(T0.plus(Duration.ofDays(3650)));
			assertThat(cache.cleanup().evictedTotal()).isZero();
			assertThat(CacheFixtures.entryFiles(this.root)).hasSize(3);
		}
	}

	@Test
	void cleanupDeletesOrphanTemporaryFilesOlderThanTheThreshold() throws IOException {
		try (DirectoryCache cache = builder().build()) {
			put(cache, 0);
			Path tempDirectory = this.root.resolve(DirectoryCache.TEMP_DIRECTORY);
			assertThat(tempDirectory).isEmptyDirectory();
			Path old = Files.write(tempDirectory.resolve("pid1-old.tmp"), new byte[100]);
			Path young = Files.write(tempDirectory.resolve("pid1-young.tmp"), new byte[100]);
			Path oldJar = Files.write(tempDirectory.resolve("looks-like-an-entry.jar"), new byte[100]);
			CacheFixtures.setLastAccess(old, T0.minus(Duration.ofMinutes(61)));
			CacheFixtures.setLastAccess(oldJar, T0.minus(Duration.ofHours(5)));
			CacheFixtures.setLastAccess(young, T0.minus(Duration.ofMinutes(59)));
			CleanupResult result = cache.cleanup();
			assertThat(result.tempFilesDeleted()).isEqualTo(2);
			assertThat(CacheFixtures.tempFiles(this.root)).containsExactly(young);
			// temporary files are never entries
			assertThat(result.entriesBefore()).isOne();
			assertThat(cache.entries()).hasSize(1);
			this.clock.set(T0.plus(Duration.ofMinutes(2)));
			assertThat(cache.cleanup().tempFilesDeleted()).isOne();
			assertThat(CacheFixtures.tempFiles(this.root)).isEmpty();
			assertThat(CacheFixtures.entryFiles(this.root)).hasSize(1);
		}
	}

	@Test
	void temporaryFileThresholdIsConfigurable() throws IOException {
		try (DirectoryCache cache = builder().withTempFileMaxAge(Duration.ofMinutes(5)).build()) {
			Path tempDirectory = Files.createDirectories(this.root.resolve(DirectoryCache.TEMP_DIRECTORY));
			Path old = Files.write(tempDirectory.resolve("a.tmp"), new byte[1]);
			Path young = Files.write(tempDirectory.resolve("b.tmp"), new byte[1]);
			CacheFixtures.setLastAccess(old, T0.minus(Duration.ofMinutes(6)));
			CacheFixtures.setLastAccess(young, T0.minus(Duration.ofMinutes(4)));
			assertThat(cache.cleanup().tempFilesDeleted()).isOne();
			assertThat(CacheFixtures.tempFiles(this.root)).containsExactly(young);
		}
	}

	@Test
	void concurrentPutsAndGetsStayWithinTheLimits() throws Exception {
		int threads = 4;
		int operations = 400;
		int keySpace = 80;
		long maxBytes = 40 * 2048;
		List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
		List<DirectoryCache> caches = new ArrayList<>();
		// two cache objects on one directory, as two processes would have, each with its
		// own background cleanup thread
		// the first runs its passes on the putting thread, the second on its own thread
		caches.add(DirectoryCache.builder(this.root)
			.withExecutor(CacheFixtures.DIRECT)
			.withMaxEntries(30)
			.withMaxSizeBytes(maxBytes)
			.build());
		caches.add(DirectoryCache.builder(this.root).withMaxEntries(30).withMaxSizeBytes(maxBytes).build());
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				DirectoryCache cache = caches.get(t % caches.size());
				int seed = t;
				futures.add(pool.submit(() -> {
					start.await();
					Random random = new Random(seed);
					for (int i = 0; i < operations; i++) {
						String key = CacheFixtures.key(random.nextInt(keySpace));
						byte[] expected = CacheFixtures.payload(key, 4096);
						try {
							if (random.nextBoolean()) {
								cache.putIfAbsent(key, expected);
							}
							else {
								byte[] actual = cache.get(key);
								if (actual != null && !java.util.Arrays.equals(actual, expected)) {
									errors.add(new AssertionError("wrong bytes for " + key));
								}
							}
						}
						catch (Throwable ex) {
							errors.add(ex);
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
			caches.forEach(DirectoryCache::close);
		}
		assertThat(errors).isEmpty();
		for (DirectoryCache cache : caches) {
			CacheStats stats = cache.stats();
			assertThat(stats.corruptEntries()).isZero();
			assertThat(stats.putFailures()).isZero();
			assertThat(stats.faults()).as(String.valueOf(stats.lastFault())).isZero();
		}
		assertThat(caches.get(0).stats().evictionCount()).as("the limits were enforced while the threads ran")
			.isPositive();
		try (DirectoryCache cache = DirectoryCache.builder(this.root)
			.withExecutor(CacheFixtures.DIRECT)
			.withMaxEntries(30)
			.withMaxSizeBytes(maxBytes)
			.build()) {
			cache.cleanup();
			List<Path> files = CacheFixtures.entryFiles(this.root);
			assertThat(files).hasSizeLessThanOrEqualTo(30);
			assertThat(CacheFixtures.entryBytes(this.root)).isLessThanOrEqualTo(maxBytes);
			assertThat(cache.stats().entryCount()).isEqualTo(files.size());
			assertThat(cache.stats().totalBytes()).isEqualTo(CacheFixtures.entryBytes(this.root));
			assertThat(CacheFixtures.tempFiles(this.root)).isEmpty();
			// and everything left is intact
			assertThat(cache.entries()).hasSize(files.size());
			for (CacheEntry entry : cache.entries()) {
				assertThat(cache.get(entry.key())).isEqualTo(CacheFixtures.payload(entry.key(), 4096));
			}
			assertThat(cache.stats().corruptEntries()).isZero();
		}
	}

	private DirectoryCache.Builder builder() {
		return DirectoryCache.builder(this.root).withExecutor(CacheFixtures.DIRECT).withClock(this.clock);
	}

	/**
	 * Puts keys {@code from} (inclusive) to {@code to} (exclusive), key {@code i} at
	 * {@code T0 + i} seconds.
	 */
	private void putAll(DirectoryCache cache, int from, int to) {
		for (int i = from; i < to; i++) {
			this.clock.set(T0.plusSeconds(i));
			put(cache, i);
		}
	}

	private static void put(DirectoryCache cache, int index) {
		String key = CacheFixtures.key(index);
		cache.putIfAbsent(key, CacheFixtures.payloadOfSize(key, PAYLOAD));
	}

	private static List<String> keys(int from, int to) {
		return IntStream.range(from, to).mapToObj(CacheFixtures::key).toList();
	}

	/**
	 * The keys whose entry files exist, in the order of {@link CacheFixtures#key(int)}
	 * indexes.
	 */
	private List<String> presentKeys() {
		List<String> present = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			if (Files.exists(CacheFixtures.expectedPath(this.root, CacheFixtures.key(i)))) {
				present.add(CacheFixtures.key(i));
			}
		}
		assertThat(CacheFixtures.entryFiles(this.root)).hasSize(present.size());
		return present;
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
