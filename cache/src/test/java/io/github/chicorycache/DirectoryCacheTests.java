package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.github.chicorycache.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link DirectoryCache}: the on-disk layout, storing and reading, and the
 * operations and statistics it offers.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	@TempDir
	Path temp;

	@Test
	void seedExampleIsStoredAtTheSeedPathOnJimfs() throws IOException {
		try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
			Path root = fs.getPath("/cache");
			byte[] data = CacheFixtures.payload(CacheFixtures.SEED_KEY, 1000);
			try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
				cache.putIfAbsent(CacheFixtures.SEED_KEY, data);
				Path expected = fs.getPath(CacheFixtures.SEED_PATH);
				assertThat(expected).isRegularFile();
				assertThat(CacheFixtures.entryFiles(root)).containsExactly(expected);
				assertThat(CacheFixtures.tempFiles(root)).isEmpty();
				assertThat(cache.get(CacheFixtures.SEED_KEY)).isEqualTo(data);
			}
			// a new cache object, as after a restart, finds it
			try (DirectoryCache cache = new DirectoryCache(root)) {
				assertThat(cache.get(CacheFixtures.SEED_KEY)).isEqualTo(data);
			}
		}
	}

	@Test
	void seedExampleIsStoredAtTheSeedPathOnTheDefaultFileSystem() throws IOException {
		Path root = this.temp.resolve("cache");
		byte[] data = CacheFixtures.payload(CacheFixtures.SEED_KEY, 1000);
		try (DirectoryCache cache = new DirectoryCache(root)) {
			cache.putIfAbsent(CacheFixtures.SEED_KEY, data);
			Path expected = root.resolve("sha-256/kr/gytkcm43c34ksqta8gmddw4ycfquc2g0qfifcpb-w.jar");
			assertThat(expected).isRegularFile();
			assertThat(CacheFixtures.entryFiles(root)).containsExactly(expected);
			assertThat(cache.get(CacheFixtures.SEED_KEY)).isEqualTo(data);
		}
		try (DirectoryCache cache = new DirectoryCache(root)) {
			assertThat(cache.get(CacheFixtures.SEED_KEY)).isEqualTo(data);
		}
	}

	@Test
	void everyKeyIsStoredWhereTheSeedLayoutSays() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			for (int i = 0; i < 50; i++) {
				String key = CacheFixtures.key(i);
				cache.putIfAbsent(key, CacheFixtures.payload(key, 100));
				assertThat(CacheFixtures.expectedPath(root, key)).isRegularFile();
			}
			assertThat(CacheFixtures.entryFiles(root)).hasSize(50);
		}
	}

	@Test
	void unusualValidKeysRoundTrip() {
		Path root = this.temp.resolve("cache");
		List<String> keys = List.of("sha-256:AB", "sha-512:" + "A".repeat(CacheKey.MAX_DIGEST_LENGTH - 2) + "==",
				"md5:1B2M2Y8AsgTpgAmY7PhCfg==", "sha-256:/etc/passwd", "x:ab-_");
		try (DirectoryCache cache = direct(root).build()) {
			for (String key : keys) {
				byte[] data = CacheFixtures.payload(key, 100);
				cache.putIfAbsent(key, data);
				assertThat(cache.get(key)).as(key).isEqualTo(data);
				assertThat(CacheFixtures.expectedPath(root, key)).as(key).isRegularFile();
			}
			assertThat(root.resolve("sha-256/_e/tc_passwd.jar")).isRegularFile();
			assertThat(CacheFixtures.entryFiles(root)).hasSize(keys.size()).allMatch((file) -> file.startsWith(root));
			assertThat(cache.entries()).extracting(CacheEntry::key).containsExactlyInAnyOrderElementsOf(keys);
		}
	}

	@Test
	void getOfAnAbsentKeyIsAMiss() {
		try (DirectoryCache cache = direct(this.temp).build()) {
			assertThat(cache.get(CacheFixtures.key(1))).isNull();
			assertThat(cache.stats().misses()).isOne();
			assertThat(cache.stats().hits()).isZero();
			assertThat(cache.stats().faults()).isZero();
		}
	}

	@Test
	void putIfAbsentKeepsTheFirstValue() {
		try (DirectoryCache cache = direct(this.temp).build()) {
			String key = CacheFixtures.key(1);
			cache.putIfAbsent(key, new byte[] { 1, 2, 3 });
			cache.putIfAbsent(key, new byte[] { 4, 5, 6, 7 });
			assertThat(cache.get(key)).containsExactly(1, 2, 3);
			assertThat(cache.stats().puts()).isOne();
		}
	}

	@Test
	void emptyPayloadRoundTrips() {
		try (DirectoryCache cache = direct(this.temp).build()) {
			String key = CacheFixtures.key(1);
			cache.putIfAbsent(key, new byte[0]);
			assertThat(cache.get(key)).isEmpty();
			assertThat(cache.stats().hits()).isOne();
		}
	}

	@Test
	void largePayloadRoundTrips() {
		try (DirectoryCache cache = direct(this.temp).build()) {
			String key = CacheFixtures.key(1);
			byte[] data = CacheFixtures.payloadOfSize(key, 8 * 1024 * 1024 + 17);
			cache.putIfAbsent(key, data);
			assertThat(cache.get(key)).isEqualTo(data);
			assertThat(cache.stats().bytesRead()).isEqualTo(data.length);
		}
	}

	@Test
	void returnedArraysAreIndependentOfTheCache() {
		try (DirectoryCache cache = direct(this.temp).build()) {
			String key = CacheFixtures.key(1);
			byte[] data = { 1, 2, 3 };
			cache.putIfAbsent(key, data);
			data[0] = 9;
			byte[] first = cache.get(key);
			first[1] = 9;
			assertThat(cache.get(key)).containsExactly(1, 2, 3);
		}
	}

	@Test
	void nullDataIsRejected() {
		try (DirectoryCache cache = direct(this.temp).build()) {
			assertThatExceptionOfType(NullPointerException.class)
				.isThrownBy(() -> cache.putIfAbsent(CacheFixtures.key(1), null));
		}
	}

	@Test
	void newRootIsCreatedWithItsParents() {
		Path root = this.temp.resolve("a/b/cache");
		try (DirectoryCache cache = direct(root).build()) {
			assertThat(root).isDirectory();
			assertThat(cache.root()).isEqualTo(root);
			assertThat(cache.isWritable()).isTrue();
			assertThat(cache.isReadOnly()).isFalse();
		}
	}

	@Test
	void relativeRootIsMadeAbsolute() throws IOException {
		try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
			try (DirectoryCache cache = DirectoryCache.builder(fs.getPath("cache/../cache2"))
				.withExecutor(CacheFixtures.DIRECT)
				.build()) {
				assertThat(cache.root()).hasToString("/work/cache2");
				cache.putIfAbsent(CacheFixtures.SEED_KEY, new byte[] { 1 });
				assertThat(fs.getPath("/work/cache2/sha-256/kr/gytkcm43c34ksqta8gmddw4ycfquc2g0qfifcpb-w.jar"))
					.isRegularFile();
			}
		}
	}

	@Test
	void rootThatIsAFileIsRejected() throws IOException {
		Path file = Files.writeString(this.temp.resolve("file"), "x");
		assertThatIllegalArgumentException().isThrownBy(() -> new DirectoryCache(file))
			.withMessageContaining(file.toString())
			.withMessageContaining("not a directory");
		assertThatIllegalArgumentException().isThrownBy(() -> DirectoryCache.builder(file).withReadOnly(true).build())
			.withMessageContaining("not a directory");
	}

	@Test
	void statsCountHitsMissesPutsAndBytes() {
		try (DirectoryCache cache = direct(this.temp).withClock(fixed()).build()) {
			String a = CacheFixtures.key(1);
			String b = CacheFixtures.key(2);
			byte[] dataA = CacheFixtures.payloadOfSize(a, 100);
			byte[] dataB = CacheFixtures.payloadOfSize(b, 250);
			assertThat(cache.get(a)).isNull();
			cache.putIfAbsent(a, dataA);
			cache.putIfAbsent(b, dataB);
			cache.putIfAbsent(b, dataB);
			cache.get(a);
			cache.get(a);
			cache.get(b);
			cache.get(CacheFixtures.key(3));
			CacheStats stats = cache.stats();
			assertThat(stats.hits()).isEqualTo(3);
			assertThat(stats.misses()).isEqualTo(2);
			assertThat(stats.hitRatio()).isEqualTo(0.6);
			assertThat(stats.puts()).isEqualTo(2);
			assertThat(stats.putFailures()).isZero();
			assertThat(stats.bytesRead()).isEqualTo(100 + 100 + 250);
			long entryBytes = CacheFixtures.entrySize(a, 100) + CacheFixtures.entrySize(b, 250);
			assertThat(stats.bytesWritten()).isEqualTo(entryBytes);
			assertThat(stats.entryCount()).isEqualTo(2);
			assertThat(stats.totalBytes()).isEqualTo(entryBytes).isEqualTo(CacheFixtures.entryBytes(this.temp));
			assertThat(stats.evictionCount()).isZero();
			assertThat(stats.corruptEntries()).isZero();
			assertThat(stats.faults()).isZero();
			assertThat(stats.lastFault()).isNull();
		}
	}

	@Test
	void statsAreAnImmutableSnapshot() {
		try (DirectoryCache cache = direct(this.temp).build()) {
			String key = CacheFixtures.key(1);
			CacheStats before = cache.stats();
			cache.putIfAbsent(key, new byte[10]);
			cache.get(key);
			cache.evict(key);
			assertThat(before.hits()).isZero();
			assertThat(before.puts()).isZero();
			assertThat(before.entryCount()).isZero();
			assertThat(before.evictions(EvictionCause.MANUAL)).isZero();
			assertThat(cache.stats().evictions(EvictionCause.MANUAL)).isOne();
			assertThat(cache.stats()).isNotSameAs(cache.stats()).isEqualTo(cache.stats());
			Map<EvictionCause, Long> evictions = cache.stats().evictions();
			assertThat(evictions).containsEntry(EvictionCause.MANUAL, 1L);
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> evictions.put(EvictionCause.SIZE, 5L));
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(evictions::clear);
		}
	}

	@Test
	void statsDoNotWalkTheDirectory() throws IOException {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[10]);
			cache.putIfAbsent(CacheFixtures.key(2), new byte[10]);
			// entries deleted behind the cache's back show up only at the next cleanup
			// pass
			for (Path file : CacheFixtures.entryFiles(root)) {
				Files.delete(file);
			}
			assertThat(cache.stats().entryCount()).isEqualTo(2);
			cache.cleanup();
			assertThat(cache.stats().entryCount()).isZero();
			assertThat(cache.stats().totalBytes()).isZero();
		}
	}

	@Test
	void minusGivesTheCountersOfAnIntervalButKeepsTheDirectoryFigures() {
		try (DirectoryCache cache = direct(this.temp).build()) {
			String key = CacheFixtures.key(1);
			cache.putIfAbsent(key, new byte[10]);
			cache.get(key);
			cache.get(CacheFixtures.key(2));
			cache.putIfAbsent(CacheFixtures.key(3), new byte[10]);
			cache.evict(CacheFixtures.key(3));
			cache.cleanup();
			CacheStats before = cache.stats();
			CacheStats stats = cache.stats().minus(before);
			assertThat(stats.hits()).isZero();
			assertThat(stats.misses()).isZero();
			assertThat(stats.puts()).isZero();
			assertThat(stats.bytesRead()).isZero();
			assertThat(stats.bytesWritten()).isZero();
			assertThat(stats.evictionCount()).isZero();
			assertThat(stats.faults()).isZero();
			assertThat(stats.hitRatio()).isZero();
			assertThat(stats.entryCount()).isOne().isEqualTo(before.entryCount());
			assertThat(stats.totalBytes()).isPositive().isEqualTo(before.totalBytes());
			assertThat(stats.lastCleanup()).isNotNull().isEqualTo(before.lastCleanup());
			assertThat(before.hits()).isOne();
			cache.get(key);
			assertThat(cache.stats().minus(before).hits()).isOne();
			assertThat(cache.stats().hits()).as("monotonic").isEqualTo(2);
			assertThat(before.minus(cache.stats()).hits()).as("never negative").isZero();
		}
	}

	@Test
	void entriesDescribeEveryEntryMostRecentlyUsedFirst() {
		Path root = this.temp.resolve("cache");
		CacheFixtures.MutableClock clock = new CacheFixtures.MutableClock(NOW);
		try (DirectoryCache cache = direct(root).withClock(clock).build()) {
			for (int i = 0; i < 3; i++) {
				clock.set(NOW.plusSeconds(i));
				cache.putIfAbsent(CacheFixtures.key(i), new byte[10 * (i + 1)]);
			}
			clock.set(NOW.plusSeconds(10));
			cache.get(CacheFixtures.key(0));
			List<CacheEntry> entries = cache.entries();
			assertThat(entries).extracting(CacheEntry::key)
				.containsExactly(CacheFixtures.key(0), CacheFixtures.key(2), CacheFixtures.key(1));
			CacheEntry first = entries.get(0);
			assertThat(first.namespace()).isEmpty();
			assertThat(first.sizeBytes()).isEqualTo(CacheFixtures.entrySize(CacheFixtures.key(0), 10));
			assertThat(first.created()).isEqualTo(NOW);
			assertThat(first.lastAccess()).isEqualTo(NOW.plusSeconds(10));
			assertThat(first.path()).isEqualTo(root.relativize(CacheFixtures.expectedPath(root, CacheFixtures.key(0)))
				.toString()
				.replace('\\', '/'));
			assertThat(first.path()).startsWith("sha-256/").endsWith(".jar");
			assertThat(entries.get(1).created()).isEqualTo(NOW.plusSeconds(2));
			assertThat(entries.get(1).lastAccess()).isEqualTo(NOW.plusSeconds(2));
			assertThat(entries.get(1).sizeBytes()).isEqualTo(CacheFixtures.entrySize(CacheFixtures.key(2), 30));
		}
	}

	@Test
	void entriesListUnreadableEntriesWithoutAKey() throws IOException {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			String key = CacheFixtures.key(1);
			cache.putIfAbsent(key, new byte[10]);
			Files.write(CacheFixtures.expectedPath(root, key), new byte[] { 1, 2, 3 });
			assertThat(cache.entries()).singleElement().satisfies((entry) -> {
				assertThat(entry.key()).isNull();
				assertThat(entry.created()).isNull();
				assertThat(entry.sizeBytes()).isEqualTo(3);
			});
		}
	}

	@Test
	void entryDescribesOneKey() {
		CacheFixtures.MutableClock clock = new CacheFixtures.MutableClock(NOW);
		try (DirectoryCache cache = direct(this.temp).withClock(clock).build()) {
			String key = CacheFixtures.key(1);
			assertThat(cache.entry(key)).isEmpty();
			cache.putIfAbsent(key, new byte[42]);
			clock.set(NOW.plusSeconds(5));
			cache.get(key);
			assertThat(cache.entry(key)).hasValueSatisfying((entry) -> {
				assertThat(entry.key()).isEqualTo(key);
				assertThat(entry.namespace()).isEmpty();
				assertThat(entry.sizeBytes()).isEqualTo(CacheFixtures.entrySize(key, 42));
				assertThat(entry.created()).isEqualTo(NOW);
				assertThat(entry.lastAccess()).isEqualTo(NOW.plusSeconds(5));
			});
			assertThat(cache.entry(CacheFixtures.key(2))).isEmpty();
			assertThatIllegalArgumentException().isThrownBy(() -> cache.entry("../x:AAAA"));
		}
	}

	@Test
	void evictRemovesOneEntry() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			String key = CacheFixtures.key(1);
			String other = CacheFixtures.key(2);
			cache.putIfAbsent(key, new byte[10]);
			cache.putIfAbsent(other, new byte[10]);
			assertThat(cache.evict(key)).isTrue();
			assertThat(CacheFixtures.expectedPath(root, key)).doesNotExist();
			assertThat(cache.get(key)).isNull();
			assertThat(cache.get(other)).isNotNull();
			assertThat(cache.evict(key)).isFalse();
			CacheStats stats = cache.stats();
			assertThat(stats.evictions(EvictionCause.MANUAL)).isOne();
			assertThat(stats.evictionCount()).isOne();
			assertThat(stats.entryCount()).isOne();
			assertThat(stats.totalBytes()).isEqualTo(CacheFixtures.entrySize(other, 10));
		}
	}

	@Test
	void clearRemovesEveryEntryOfEveryNamespace() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[10]);
			cache.putIfAbsent(CacheFixtures.key(2), new byte[20]);
			cache.namespace("v1").putIfAbsent(CacheFixtures.key(1), new byte[30]);
			long bytes = CacheFixtures.entryBytes(root);
			CleanupResult result = cache.clear();
			assertThat(CacheFixtures.entryFiles(root)).isEmpty();
			assertThat(result.entriesBefore()).isEqualTo(3);
			assertThat(result.bytesBefore()).isEqualTo(bytes);
			assertThat(result.evicted()).containsExactly(Map.entry(EvictionCause.MANUAL, 3L));
			assertThat(result.evictedTotal()).isEqualTo(3);
			assertThat(result.bytesFreed()).isEqualTo(bytes);
			assertThat(result.entriesAfter()).isZero();
			assertThat(result.bytesAfter()).isZero();
			assertThat(cache.stats().evictions(EvictionCause.MANUAL)).isEqualTo(3);
			assertThat(cache.stats().entryCount()).isZero();
			assertThat(cache.stats().totalBytes()).isZero();
			assertThat(cache.get(CacheFixtures.key(1))).isNull();
			// the cache goes on working
			cache.putIfAbsent(CacheFixtures.key(1), new byte[10]);
			assertThat(cache.get(CacheFixtures.key(1))).hasSize(10);
		}
	}

	@Test
	void cleanupReportsWhatItFound() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).withClock(fixed()).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[10]);
			cache.putIfAbsent(CacheFixtures.key(2), new byte[20]);
			long bytes = CacheFixtures.entryBytes(root);
			CleanupResult result = cache.cleanup();
			assertThat(result.startedAt()).isEqualTo(NOW);
			assertThat(result.duration().isNegative()).isFalse();
			assertThat(result.entriesBefore()).isEqualTo(2);
			assertThat(result.bytesBefore()).isEqualTo(bytes);
			assertThat(result.evicted()).isEmpty();
			assertThat(result.evictedTotal()).isZero();
			assertThat(result.bytesFreed()).isZero();
			assertThat(result.tempFilesDeleted()).isZero();
			assertThat(result.entriesAfter()).isEqualTo(2);
			assertThat(result.bytesAfter()).isEqualTo(bytes);
			assertThat(cache.stats().lastCleanup()).isEqualTo(result);
		}
	}

	@Test
	void cleanupOnOpenReconcilesWhatIsOnDisk() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			for (int i = 0; i < 5; i++) {
				cache.putIfAbsent(CacheFixtures.key(i), new byte[100]);
			}
		}
		try (DirectoryCache cache = direct(root).build()) {
			assertThat(cache.stats().entryCount()).isEqualTo(5);
			assertThat(cache.stats().totalBytes()).isEqualTo(CacheFixtures.entryBytes(root));
			assertThat(cache.stats().lastCleanup()).isNotNull();
		}
		try (DirectoryCache cache = direct(root).withCleanupOnOpen(false).build()) {
			assertThat(cache.stats().entryCount()).isZero();
			assertThat(cache.stats().lastCleanup()).isNull();
		}
	}

	@Test
	void cleanupOnOpenDoesNotDelayTheFirstGet() {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		try (DirectoryCache cache = direct(root).build()) {
			cache.putIfAbsent(key, new byte[10]);
		}
		CacheFixtures.QueueingExecutor executor = new CacheFixtures.QueueingExecutor();
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(executor).build()) {
			// the pass is handed to the executor, which has not run it yet
			assertThat(executor.size()).isOne();
			assertThat(cache.get(key)).hasSize(10);
			assertThat(cache.stats().lastCleanup()).isNull();
			executor.runAll();
			assertThat(cache.stats().lastCleanup()).isNotNull();
			assertThat(cache.stats().entryCount()).isOne();
		}
	}

	@Test
	void getsNeverRunCleanup() throws IOException {
		Path root = this.temp.resolve("cache");
		CacheFixtures.CountingExecutor executor = new CacheFixtures.CountingExecutor();
		try (DirectoryCache cache = DirectoryCache.builder(root)
			.withExecutor(executor)
			.withMaxEntries(1)
			.withCleanupOnOpen(false)
			.build()) {
			String key = CacheFixtures.key(1);
			cache.putIfAbsent(key, new byte[10]);
			for (int i = 0; i < 10; i++) {
				cache.get(key);
				cache.get(CacheFixtures.key(i + 100));
			}
			Path corrupt = CacheFixtures.expectedPath(root, CacheFixtures.key(3));
			Files.createDirectories(corrupt.getParent());
			Files.write(corrupt, new byte[] { 1, 2, 3 });
			assertThat(cache.get(CacheFixtures.key(3))).isNull();
			assertThat(executor.runs).hasValue(0);
		}
	}

	@Test
	void namespacesKeepEntriesApart() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			DirectoryCache.Namespace v1 = cache.namespace("v1");
			DirectoryCache.Namespace v2 = cache.namespace("v2");
			assertThat(v1.name()).isEqualTo("v1");
			assertThat(v1.cache()).isSameAs(cache);
			cache.putIfAbsent(CacheFixtures.SEED_KEY, new byte[] { 0 });
			v1.putIfAbsent(CacheFixtures.SEED_KEY, new byte[] { 1 });
			assertThat(root.resolve("v1/sha-256/kr/gytkcm43c34ksqta8gmddw4ycfquc2g0qfifcpb-w.jar")).isRegularFile();
			assertThat(root.resolve("sha-256/kr/gytkcm43c34ksqta8gmddw4ycfquc2g0qfifcpb-w.jar")).isRegularFile();
			assertThat(v2.get(CacheFixtures.SEED_KEY)).isNull();
			assertThat(v1.get(CacheFixtures.SEED_KEY)).containsExactly(1);
			assertThat(cache.get(CacheFixtures.SEED_KEY)).containsExactly(0);
			assertThat(cache.namespace("v1").get(CacheFixtures.SEED_KEY)).containsExactly(1);
			assertThat(v1.entry(CacheFixtures.SEED_KEY)).hasValueSatisfying((entry) -> {
				assertThat(entry.namespace()).isEqualTo("v1");
				assertThat(entry.path()).isEqualTo("v1/sha-256/kr/gytkcm43c34ksqta8gmddw4ycfquc2g0qfifcpb-w.jar");
			});
			assertThat(v2.entry(CacheFixtures.SEED_KEY)).isEmpty();
			assertThat(cache.entries()).extracting(CacheEntry::namespace).containsExactlyInAnyOrder("", "v1");
			assertThat(cache.stats().entryCount()).isEqualTo(2);
			assertThat(cache.stats().hits()).isEqualTo(3);
			assertThat(cache.stats().misses()).isOne();
			assertThat(v1.evict(CacheFixtures.SEED_KEY)).isTrue();
			assertThat(v1.get(CacheFixtures.SEED_KEY)).isNull();
			assertThat(cache.get(CacheFixtures.SEED_KEY)).containsExactly(0);
		}
	}

	@Test
	void namespaceEntriesAreFoundByCleanupAfterARestart() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			cache.namespace("1.7.5").putIfAbsent(CacheFixtures.key(1), new byte[10]);
			cache.namespace("a-b_c+d").putIfAbsent(CacheFixtures.key(2), new byte[10]);
			cache.putIfAbsent(CacheFixtures.key(3), new byte[10]);
		}
		try (DirectoryCache cache = direct(root).build()) {
			assertThat(cache.stats().entryCount()).isEqualTo(3);
			assertThat(cache.entries()).extracting(CacheEntry::namespace)
				.containsExactlyInAnyOrder("1.7.5", "a-b_c+d", "");
		}
	}

	@Test
	void invalidNamespacesAreRejected() {
		try (DirectoryCache cache = direct(this.temp.resolve("cache")).build()) {
			for (String name : List.of("", ".", "..", ".tmp", "../x", "a/b", "a\\b", "V1", "-x", "_x", "a b", "a\0",
					"x".repeat(129), "/abs")) {
				assertThatIllegalArgumentException().as(name)
					.isThrownBy(() -> cache.namespace(name))
					.withMessageContaining("Namespace")
					.withMessageContaining("must match");
			}
			assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> cache.namespace(null));
			assertThat(cache.namespace("x".repeat(128)).name()).hasSize(128);
		}
		assertThat(this.temp.resolve("cache")).isEmptyDirectory();
	}

	@Test
	void closeStopsTheOwnedCleanupThread() throws InterruptedException {
		Path root = this.temp.resolve("cache");
		List<Thread> before = cleanupThreads();
		DirectoryCache cache = DirectoryCache.builder(root).withCleanupOnOpenDelay(Duration.ZERO).build();
		// the opening pass runs on a thread the cache owns
		Await.await("the opening cleanup pass", 30_000, () -> cache.stats().lastCleanup() != null);
		List<Thread> owned = cleanupThreads();
		owned.removeAll(before);
		assertThat(owned).hasSize(1);
		assertThat(owned.get(0).isDaemon()).isTrue();
		cache.close();
		owned.get(0).join(30_000);
		assertThat(owned.get(0).isAlive()).isFalse();
		// closing twice is harmless
		cache.close();
	}

	@Test
	void cleanupOnOpenWaitsForItsDelayOnTheOwnThreadAndAProcessThatOnlyReadLeavesItToTheNext()
			throws InterruptedException {
		Path root = overLimitOnDisk();
		List<Thread> before = cleanupThreads();
		DirectoryCache cache = DirectoryCache.builder(root)
			.withMaxEntries(2)
			.withCleanupOnOpenDelay(Duration.ofHours(1))
			.build();
		List<Thread> owned = cleanupThreads();
		owned.removeAll(before);
		// the thread waits for the pass's time; the first get does not wait for anything
		assertThat(owned).hasSize(1);
		assertThat(cache.get(CacheFixtures.key(1))).hasSize(10);
		assertThat(cache.stats().lastCleanup()).isNull();
		assertThat(cache.stats().entryCount()).isZero();
		cache.close();
		owned.get(0).join(30_000);
		assertThat(owned.get(0).isAlive()).isFalse();
		assertThat(cache.stats().lastCleanup()).isNull();
		assertThat(CacheFixtures.entryFiles(root)).hasSize(3);
	}

	@Test
	void aProcessThatStoredRunsTheOpeningPassAtCloseIfItDidNotRunAndStoresAskForItOnce() {
		Path root = overLimitOnDisk();
		CacheFixtures.QueueingExecutor executor = new CacheFixtures.QueueingExecutor();
		DirectoryCache cache = DirectoryCache.builder(root).withExecutor(executor).withMaxEntries(2).build();
		assertThat(executor.size()).isOne();
		for (int i = 10; i < 13; i++) {
			// under the limit by this process's count
			cache.putIfAbsent(CacheFixtures.key(i), new byte[10]);
		}
		// the opening pass is still pending: no other
		assertThat(executor.size()).isOne();
		cache.close();
		assertThat(cache.stats().lastCleanup()).isNotNull();
		assertThat(cache.stats().lastCleanup().entriesBefore()).isEqualTo(6);
		assertThat(CacheFixtures.entryFiles(root)).hasSizeLessThanOrEqualTo(2);
		// the pass the executor still holds finds the cache closed
		executor.runAll();
	}

	@Test
	void anOpeningPassThatGivesUpForCloseIsRunByCloseIfThisProcessStored() throws Exception {
		Path root = overLimitOnDisk();
		CountDownLatch inPass = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService executor = Executors.newSingleThreadExecutor((task) -> new Thread(task, "test-cleanup"));
		Clock held = heldOnce("test-cleanup", inPass, release);
		try {
			DirectoryCache cache = DirectoryCache.builder(root)
				.withExecutor(executor)
				.withClock(held)
				.withMaxEntries(2)
				.build();
			assertThat(inPass.await(30, TimeUnit.SECONDS)).isTrue();
			cache.putIfAbsent(CacheFixtures.key(10), new byte[10]);
			closeWhileThePassIsHeld(cache, release);
			assertThat(cache.stats().lastCleanup()).isNotNull();
			assertThat(CacheFixtures.entryFiles(root)).hasSizeLessThanOrEqualTo(2);
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
	}

	@Test
	void closeWaitsForAPassInProgressToGiveUpSoThatNothingIsRemovedAfterIt() throws Exception {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).withCleanupOnOpen(false).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[10]);
		}
		Path orphan = Files.writeString(root.resolve(DirectoryCache.TEMP_DIRECTORY).resolve("pid1-x.tmp"), "partial");
		Files.setLastModifiedTime(orphan,
				java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofDays(1))));
		CountDownLatch inPass = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService executor = Executors.newSingleThreadExecutor((task) -> new Thread(task, "test-cleanup"));
		try {
			DirectoryCache cache = DirectoryCache.builder(root)
				.withExecutor(executor)
				.withClock(heldOnce("test-cleanup", inPass, release))
				.build();
			assertThat(inPass.await(30, TimeUnit.SECONDS)).isTrue();
			closeWhileThePassIsHeld(cache, release);
			// the pass found the cache closed before it removed anything
			executor.shutdown();
			assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
			assertThat(orphan).exists();
			assertThat(cache.stats().lastCleanup()).isNull();
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
	}

	/**
	 * Closes the cache on another thread while a pass holds the lock, releases the pass
	 * once close() waits for it, and waits for close() to return.
	 */
	private static void closeWhileThePassIsHeld(DirectoryCache cache, CountDownLatch release)
			throws InterruptedException {
		Thread closing = new Thread(cache::close, "test-close");
		closing.start();
		// close() waits for the pass, which then finds the cache closed and gives up
		Await.await("close waiting for the pass", 30_000, () -> closing.getState() == Thread.State.TIMED_WAITING);
		release.countDown();
		closing.join(30_000);
		assertThat(closing.isAlive()).isFalse();
	}

	/**
	 * A clock that holds the first thread of the given name that reads it until released:
	 * a cleanup pass reads the clock first.
	 */
	private static Clock heldOnce(String threadName, CountDownLatch inPass, CountDownLatch release) {
		return onFirstRead(threadName, () -> {
			inPass.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
	}

	/**
	 * A clock that runs an action the first time a thread of the given name reads it.
	 */
	private static Clock onFirstRead(String threadName, Runnable action) {
		java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
		return new Clock() {

			@Override
			public ZoneOffset getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(java.time.ZoneId zone) {
				return this;
			}

			@Override
			public Instant instant() {
				if (Thread.currentThread().getName().equals(threadName) && done.compareAndSet(false, true)) {
					action.run();
				}
				return Instant.now();
			}

		};
	}

	/**
	 * Three entries where the tests open caches with a limit of two.
	 */
	private Path overLimitOnDisk() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).withCleanupOnOpen(false).build()) {
			for (int i = 0; i < 3; i++) {
				cache.putIfAbsent(CacheFixtures.key(i), new byte[10]);
			}
		}
		return root;
	}

	@Test
	void aStoreRunsTheOpeningPassThatWaitsAndNoPassRunsAfterClose() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			for (int i = 0; i < 10; i++) {
				cache.putIfAbsent(CacheFixtures.key(i), new byte[10]);
			}
		}
		DirectoryCache cache = DirectoryCache.builder(root)
			.withMaxEntries(10)
			.withCleanupOnOpenDelay(Duration.ofHours(1))
			.build();
		try {
			// under the limit by this process's count, over it on disk
			cache.putIfAbsent(CacheFixtures.key(10), new byte[10]);
			Await.await("the opening pass the store asked for", 30_000, () -> cache.stats().lastCleanup() != null);
			assertThat(cache.stats().lastCleanup().entriesBefore()).isEqualTo(11);
			Await.await("its evictions", 30_000, () -> CacheFixtures.entryFiles(root).size() <= 10);
		}
		finally {
			cache.close();
		}
		CleanupResult last = cache.stats().lastCleanup();
		// the opening pass ran: closing runs none, and neither does a put after close
		cache.putIfAbsent(CacheFixtures.key(11), new byte[10]);
		cache.close();
		assertThat(cache.stats().lastCleanup()).isSameAs(last);
	}

	@Test
	void putOverALimitIsCleanedUpWhileTheOpeningPassWaits() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = DirectoryCache.builder(root)
			.withMaxEntries(2)
			.withCleanupOnOpenDelay(Duration.ofHours(1))
			.build()) {
			for (int i = 0; i < 5; i++) {
				cache.putIfAbsent(CacheFixtures.key(i), new byte[10]);
			}
			Await.await("the passes the puts asked for", 30_000, () -> CacheFixtures.entryFiles(root).size() <= 2);
			assertThat(cache.stats().lastCleanup()).isNotNull();
		}
	}

	@Test
	void errorInABackgroundPassIsRecordedAsAFault() {
		Path root = this.temp.resolve("cache");
		// fails once, in the pass; the fault's time is read after
		Clock failing = onFirstRead("chicory-cache-cleanup", () -> {
			throw new AssertionError("clock failure in the pass");
		});
		try (DirectoryCache cache = DirectoryCache.builder(root)
			.withClock(failing)
			.withCleanupOnOpenDelay(Duration.ZERO)
			.build()) {
			Await.await("the failed pass's fault", 30_000, () -> cache.stats().faults() > 0);
			CacheFault fault = cache.stats().lastFault();
			assertThat(fault).isNotNull();
			assertThat(fault.kind()).isEqualTo(CacheFault.Kind.CLEANUP);
		}
	}

	@Test
	void aDelayOfCenturiesDoesNotOverflow() {
		try (DirectoryCache cache = DirectoryCache.builder(this.temp.resolve("cache"))
			.withCleanupOnOpenDelay(java.time.temporal.ChronoUnit.FOREVER.getDuration())
			.build()) {
			assertThat(cache.stats().lastCleanup()).isNull();
		}
	}

	@Test
	void cleanupOnOpenRunsOnTheOwnThreadAfterItsDelay() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[10]);
		}
		try (DirectoryCache cache = DirectoryCache.builder(root)
			.withCleanupOnOpenDelay(Duration.ofMillis(200))
			.build()) {
			Await.await("the opening pass", 30_000, () -> cache.stats().lastCleanup() != null);
			assertThat(cache.stats().entryCount()).isOne();
		}
	}

	@Test
	void cleanupOnOpenDelayIsChecked() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DirectoryCache.builder(this.temp).withCleanupOnOpenDelay(Duration.ofMillis(-1)))
			.withMessageContaining("must not be negative");
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> DirectoryCache.builder(this.temp).withCleanupOnOpenDelay(null));
	}

	@Test
	void givenExecutorGetsTheOpeningPassAtOnceWhateverTheDelay() {
		CacheFixtures.QueueingExecutor executor = new CacheFixtures.QueueingExecutor();
		try (DirectoryCache cache = DirectoryCache.builder(this.temp.resolve("cache"))
			.withExecutor(executor)
			.withCleanupOnOpenDelay(Duration.ofHours(1))
			.build()) {
			assertThat(executor.size()).isOne();
			executor.runAll();
			assertThat(cache.stats().lastCleanup()).isNotNull();
		}
	}

	@Test
	void closeLeavesAGivenExecutorRunning() {
		java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
		try {
			DirectoryCache cache = DirectoryCache.builder(this.temp).withExecutor(executor).build();
			cache.close();
			assertThat(executor.isShutdown()).isFalse();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void closedCacheStillAnswersAndListsButIgnoresPuts() {
		Path root = this.temp.resolve("cache");
		DirectoryCache cache = direct(root).build();
		cache.putIfAbsent(CacheFixtures.key(1), new byte[10]);
		cache.close();
		assertThat(cache.get(CacheFixtures.key(1))).hasSize(10);
		cache.putIfAbsent(CacheFixtures.key(2), new byte[10]);
		assertThat(cache.get(CacheFixtures.key(2))).isNull();
		assertThat(CacheFixtures.entryFiles(root)).hasSize(1);
		assertThat(cache.entries()).extracting(CacheEntry::key).containsExactly(CacheFixtures.key(1));
		assertThat(cache.cleanup().entriesAfter()).isOne();
		assertThat(cache.stats().entryCount()).isOne();
	}

	@Test
	void toStringNamesTheRoot() {
		try (DirectoryCache cache = direct(this.temp).build()) {
			assertThat(cache).hasToString("DirectoryCache[" + this.temp + "]");
			assertThat(cache.namespace("v1")).hasToString("DirectoryCache[" + this.temp + "]/v1");
		}
	}

	static List<Thread> cleanupThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("chicory-cache-cleanup"))
			.collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
	}

	private static DirectoryCache.Builder direct(Path root) {
		return DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT);
	}

	private static Clock fixed() {
		return Clock.fixed(NOW, ZoneOffset.UTC);
	}

}
