package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.WasmModule;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream's scenarios with real compilations by Chicory's
 * {@code MachineFactoryCompiler}: a second build loads from the cache, many threads with
 * their own cache objects share one directory, and a cache that cannot write never breaks
 * a compilation.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheCompileTests {

	@TempDir
	Path temp;

	@Test
	void secondBuildHitsOnJimfs() throws IOException {
		try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
			assertSecondBuildHits(fs.getPath("/cache"));
		}
	}

	@Test
	void secondBuildHitsOnTheDefaultFileSystem() {
		assertSecondBuildHits(this.temp.resolve("cache"));
	}

	private void assertSecondBuildHits(Path root) {
		try (DirectoryCache directoryCache = new DirectoryCache(root)) {
			CacheFixtures.HitCountingCache cache = new CacheFixtures.HitCountingCache(directoryCache);
			WasmModule first = ChicoryFixtures.countVowelsModule();
			Instance firstInstance = ChicoryFixtures.compile(first, cache);
			assertThat(cache.hits).hasValue(0);
			assertThat(cache.misses).hasValue(1);
			assertThat(cache.puts).hasValue(1);
			assertThat(CacheFixtures.expectedPath(root, first.digest())).isRegularFile();

			WasmModule second = ChicoryFixtures.countVowelsModule();
			Instance secondInstance = ChicoryFixtures.compile(second, cache);
			assertThat(cache.hits).hasValue(1);
			assertThat(cache.puts).hasValue(1);

			assertThat(ChicoryFixtures.countVowels(firstInstance, ChicoryFixtures.HELLO)).isEqualTo(3);
			assertThat(ChicoryFixtures.countVowels(secondInstance, ChicoryFixtures.HELLO)).isEqualTo(3);
			assertThat(ChicoryFixtures.countVowels(secondInstance, "Chicory compiles WebAssembly")).isEqualTo(8);
			assertThat(directoryCache.stats().hits()).isOne();
			assertThat(directoryCache.stats().faults()).isZero();
		}
		// after a restart, the entry is still there
		try (DirectoryCache directoryCache = new DirectoryCache(root)) {
			CacheFixtures.HitCountingCache cache = new CacheFixtures.HitCountingCache(directoryCache);
			Instance instance = ChicoryFixtures.compile(ChicoryFixtures.countVowelsModule(), cache);
			assertThat(cache.hits).hasValue(1);
			assertThat(cache.puts).hasValue(0);
			assertThat(ChicoryFixtures.countVowels(instance, ChicoryFixtures.HELLO)).isEqualTo(3);
		}
	}

	@Test
	void tenThreadsWithTheirOwnCacheObjectsShareOneDirectory() throws Exception {
		Path root = this.temp.resolve("cache");
		int threads = 10;
		AtomicInteger hits = new AtomicInteger();
		List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
		List<DirectoryCache> caches = Collections.synchronizedList(new ArrayList<>());
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					try {
						start.await();
						DirectoryCache directoryCache = new DirectoryCache(root);
						caches.add(directoryCache);
						CacheFixtures.HitCountingCache cache = new CacheFixtures.HitCountingCache(directoryCache);
						for (int build = 0; build < 2; build++) {
							Instance instance = ChicoryFixtures.compile(ChicoryFixtures.countVowelsModule(), cache);
							if (ChicoryFixtures.countVowels(instance, ChicoryFixtures.HELLO) != 3) {
								errors.add(new AssertionError("wrong result"));
							}
						}
						hits.addAndGet(cache.hits.get());
					}
					catch (Throwable ex) {
						errors.add(ex);
					}
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
			caches.forEach(DirectoryCache::close);
		}
		assertThat(errors).isEmpty();
		assertThat(hits).hasValueGreaterThanOrEqualTo(threads);
		assertThat(caches).hasSize(threads).allSatisfy((cache) -> {
			assertThat(cache.stats().faults()).as(String.valueOf(cache.stats().lastFault())).isZero();
			assertThat(cache.stats().corruptEntries()).isZero();
		});
		assertThat(CacheFixtures.entryFiles(root)).hasSize(1);
		assertThat(CacheFixtures.tempFiles(root)).isEmpty();
	}

	@Test
	void compileSucceedsWhenTheRootCannotBeCreated() throws IOException {
		Path file = Files.writeString(this.temp.resolve("file"), "not a directory");
		assertCompileSucceedsWithoutCaching(file.resolve("cache"));
	}

	@Test
	void compileSucceedsWhenTheRootCannotBeCreatedOnJimfs() throws IOException {
		try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
			Path file = Files.writeString(fs.getPath("/file"), "not a directory");
			assertCompileSucceedsWithoutCaching(file.resolve("cache"));
		}
	}

	private void assertCompileSucceedsWithoutCaching(Path root) {
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			assertThat(cache.isWritable()).isFalse();
			assertThat(cache.stats().faults()).isPositive();
			assertThat(cache.stats().lastFault().kind()).isEqualTo(CacheFault.Kind.OPEN);
			for (int build = 0; build < 2; build++) {
				Instance instance = ChicoryFixtures.compile(ChicoryFixtures.countVowelsModule(), cache);
				assertThat(ChicoryFixtures.countVowels(instance, ChicoryFixtures.HELLO)).isEqualTo(3);
			}
			CacheStats stats = cache.stats();
			assertThat(stats.hits()).isZero();
			assertThat(stats.misses()).isEqualTo(2);
			assertThat(stats.puts()).isZero();
			assertThat(stats.putFailures()).isEqualTo(2);
			assertThat(stats.faults()).isGreaterThanOrEqualTo(3);
			assertThat(stats.lastFault()).isNotNull();
			assertThat(cache.entries()).isEmpty();
			assertThat(cache.cleanup().entriesAfter()).isZero();
		}
		assertThat(Files.exists(root)).isFalse();
	}

	@Test
	void compileSucceedsWhenItsEntryCannotBeWritten() throws IOException {
		// a full disk: no entry can be written
		try (FileSystem disk = CacheFixtures.fullDisk()) {
			Path root = disk.getPath("/cache");
			try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
				Instance instance = ChicoryFixtures.compile(ChicoryFixtures.countVowelsModule(), cache);
				assertThat(ChicoryFixtures.countVowels(instance, ChicoryFixtures.HELLO)).isEqualTo(3);
				assertThat(cache.stats().putFailures()).isOne();
				assertThat(cache.stats().lastFault().kind()).isEqualTo(CacheFault.Kind.WRITE);
			}
			assertThat(CacheFixtures.entryFiles(root)).isEmpty();
		}
	}

	@Test
	void readOnlyCacheServesACompileAndNeverWrites() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = DirectoryCache.builder(root).withReadOnly(true).build()) {
			Instance instance = ChicoryFixtures.compile(ChicoryFixtures.countVowelsModule(), cache);
			assertThat(ChicoryFixtures.countVowels(instance, ChicoryFixtures.HELLO)).isEqualTo(3);
			assertThat(cache.stats().puts()).isZero();
			assertThat(cache.stats().putFailures()).isZero();
		}
		assertThat(root).doesNotExist();
		try (DirectoryCache writer = new DirectoryCache(root)) {
			ChicoryFixtures.compile(ChicoryFixtures.countVowelsModule(), writer);
		}
		try (DirectoryCache cache = DirectoryCache.builder(root).withReadOnly(true).build()) {
			CacheFixtures.HitCountingCache counting = new CacheFixtures.HitCountingCache(cache);
			Instance instance = ChicoryFixtures.compile(ChicoryFixtures.countVowelsModule(), counting);
			assertThat(counting.hits).hasValue(1);
			assertThat(ChicoryFixtures.countVowels(instance, ChicoryFixtures.HELLO)).isEqualTo(3);
		}
	}

	@Test
	void namespacedCacheServesACompile() {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache directoryCache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			CacheFixtures.HitCountingCache cache = new CacheFixtures.HitCountingCache(
					directoryCache.namespace("chicory-1.7.5"));
			WasmModule module = ChicoryFixtures.countVowelsModule();
			ChicoryFixtures.compile(module, cache);
			Instance instance = ChicoryFixtures.compile(ChicoryFixtures.countVowelsModule(), cache);
			assertThat(cache.hits).hasValue(1);
			assertThat(ChicoryFixtures.countVowels(instance, ChicoryFixtures.HELLO)).isEqualTo(3);
			assertThat(CacheFixtures.expectedPath(root.resolve("chicory-1.7.5"), module.digest())).isRegularFile();
		}
	}

}
