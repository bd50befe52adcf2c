package io.github.chicorycache;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.WasmModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only regular files are opened as entries (issue 11, case 4): a FIFO named like an entry
 * used to block {@code get} and {@code compile} forever in {@code open}. Now it is a
 * miss, counted and removed, and nothing ever opens it. The timeout runs each test on a
 * thread of its own, so that a regression fails instead of hanging the build.
 */
@ExtendWith(QuietCacheLog.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DirectoryCacheSpecialFileTests {

	@TempDir
	Path temp;

	@Test
	void fifoNamedLikeAnEntryIsAMissCountedAndRemoved() throws Exception {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		try (DirectoryCache cache = direct(root).build()) {
			Path fifo = mkfifo(CacheFixtures.expectedPath(root, key));
			assertThat(cache.get(key)).isNull();
			CacheStats stats = cache.stats();
			assertThat(stats.misses()).isOne();
			assertThat(stats.faults()).isOne();
			assertThat(stats.lastFault().kind()).isEqualTo(CacheFault.Kind.READ);
			assertThat(stats.lastFault().message()).contains(fifo.toString())
				.contains("special file")
				.contains("removed");
			assertThat(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
			// and the key works again
			cache.putIfAbsent(key, new byte[] { 1 });
			assertThat(cache.get(key)).containsExactly(1);
		}
	}

	@Test
	void socketNamedLikeAnEntryIsAMissCountedAndRemoved() throws Exception {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		try (DirectoryCache cache = direct(root).build()) {
			Path socketFile = CacheFixtures.expectedPath(root, key);
			Files.createDirectories(socketFile.getParent());
			try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
				socket.bind(UnixDomainSocketAddress.of(socketFile));
				assertThat(cache.get(key)).isNull();
			}
			assertThat(cache.stats().misses()).isOne();
			assertThat(cache.stats().lastFault().message()).contains("special file").contains("removed");
			assertThat(Files.exists(socketFile, LinkOption.NOFOLLOW_LINKS)).isFalse();
		}
	}

	@Test
	void fifoInPlaceOfAModulesEntryDoesNotStopItsCompilation() throws Exception {
		Path root = this.temp.resolve("cache");
		WasmModule module = ChicoryFixtures.countVowelsModule();
		try (DirectoryCache cache = direct(root).build()) {
			mkfifo(CacheFixtures.expectedPath(root, module.digest()));
			Instance instance = ChicoryFixtures.compile(module, cache);
			assertThat(ChicoryFixtures.countVowels(instance, ChicoryFixtures.HELLO)).isEqualTo(3);
			// the compilation stored its entry where the FIFO was
			Instance cached = ChicoryFixtures.compile(ChicoryFixtures.countVowelsModule(), cache);
			assertThat(ChicoryFixtures.countVowels(cached, ChicoryFixtures.HELLO)).isEqualTo(3);
			assertThat(cache.stats().hits()).isOne();
		}
	}

	@Test
	void fifosAreNeverOpenedByListingsCleanupOrTheOrphanSweep() throws Exception {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		try (DirectoryCache cache = direct(root).withTempFileMaxAge(Duration.ZERO).build()) {
			cache.putIfAbsent(CacheFixtures.key(2), new byte[] { 2 });
			Path entryFifo = mkfifo(CacheFixtures.expectedPath(root, key));
			Path tempFifo = mkfifo(root.resolve(DirectoryCache.TEMP_DIRECTORY).resolve("pid1-1.tmp"));
			assertThat(cache.entries()).extracting(CacheEntry::key).containsExactly(CacheFixtures.key(2));
			assertThat(cache.entry(key)).isEmpty();
			CleanupResult result = cache.cleanup();
			assertThat(result.entriesAfter()).isOne();
			// a FIFO in the temporary directory is swept like an orphan, without opening
			// it
			assertThat(result.tempFilesDeleted()).isOne();
			assertThat(Files.exists(tempFifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
			assertThat(cache.evict(key)).isFalse();
			assertThat(cache.clear().evictedTotal()).isOne();
			assertThat(Files.exists(entryFifo, LinkOption.NOFOLLOW_LINKS)).isTrue();
		}
	}

	@Test
	void readOnlyCacheLeavesAFifoInPlaceWithoutOpeningIt() throws Exception {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		Path fifo = mkfifo(CacheFixtures.expectedPath(root, key));
		try (DirectoryCache cache = direct(root).withReadOnly(true).build()) {
			assertThat(cache.get(key)).isNull();
			assertThat(cache.get(key)).isNull();
			assertThat(cache.stats().misses()).isEqualTo(2);
			assertThat(cache.stats().lastFault().message()).contains("left in place");
		}
		assertThat(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)).isTrue();
	}

	/**
	 * A FIFO or a regular file where a directory of the cache belongs (namespace,
	 * algorithm, shard or temporary directory) used to fail every write below it until
	 * removed by hand. A put now replaces it with a directory, as it does a link, without
	 * opening it; a get before that is a miss.
	 */
	@ParameterizedTest
	@CsvSource({ "1, fifo", "2, fifo", "3, fifo", "1, file", "2, file", "3, file", "0, fifo", "0, file" })
	void fileWhereADirectoryBelongsIsReplacedByTheNextPut(int depth, String kind) throws Exception {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		try (DirectoryCache cache = direct(root).withCleanupOnOpen(false).build()) {
			DirectoryCache.Namespace namespace = cache.namespace("v1");
			Path entry = CacheFixtures.expectedPath(root.resolve("v1"), key);
			Path inTheWay = (depth == 0) ? root.resolve(DirectoryCache.TEMP_DIRECTORY)
					: root.resolve(root.relativize(entry).subpath(0, depth));
			if (kind.equals("fifo")) {
				mkfifo(inTheWay);
			}
			else {
				Files.createDirectories(inTheWay.getParent());
				Files.write(inTheWay, new byte[] { 1 });
			}
			assertThat(namespace.get(key)).isNull();

			namespace.putIfAbsent(key, new byte[] { 7 });
			assertThat(inTheWay).isDirectory();
			assertThat(namespace.get(key)).containsExactly(7);
			assertThat(cache.stats().lastFault().kind()).isEqualTo(CacheFault.Kind.WRITE);
			assertThat(cache.stats().lastFault().message()).contains("Removed " + inTheWay)
				.contains(kind.equals("fifo") ? "a special file" : "a regular file")
				.contains("where a directory of the cache belongs");
		}
	}

	/**
	 * Writers that find the same file where a directory belongs, in caches of their own
	 * (as two processes would), race to replace it: whichever removes it, the others find
	 * it gone or find the winner's directory, which is no failure, and none removes the
	 * winner's directory. Races are rare per round: many rounds.
	 */
	@Test
	void writersThatReplaceTheSameFileAtOnceAllStoreTheirEntries() throws Exception {
		int writers = 8;
		ExecutorService threads = Executors.newFixedThreadPool(writers);
		try {
			for (int round = 0; round < 400; round++) {
				Path root = this.temp.resolve("cache" + round);
				List<DirectoryCache> caches = new ArrayList<>();
				for (int i = 0; i < writers; i++) {
					caches.add(direct(root).withCleanupOnOpen(false).build());
				}
				Files.write(root.resolve(DirectoryCache.TEMP_DIRECTORY), new byte[] { 1 });
				Files.write(root.resolve("v1"), new byte[] { 1 });
				CountDownLatch go = new CountDownLatch(1);
				List<Future<?>> puts = new ArrayList<>();
				for (int i = 0; i < writers; i++) {
					DirectoryCache.Namespace namespace = caches.get(i).namespace("v1");
					String key = CacheFixtures.key(i);
					puts.add(threads.submit(() -> {
						go.await();
						namespace.putIfAbsent(key, new byte[] { 7 });
						return null;
					}));
				}
				go.countDown();
				for (Future<?> put : puts) {
					put.get(1, TimeUnit.MINUTES);
				}
				for (int i = 0; i < writers; i++) {
					assertThat(caches.get(0).namespace("v1").get(CacheFixtures.key(i)))
						.as("round %d, writer %d", round, i)
						.containsExactly(7);
					CacheFault fault = caches.get(i).stats().lastFault();
					assertThat((fault != null) ? fault.message() : "Removed").startsWith("Removed");
					caches.get(i).close();
				}
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	/**
	 * Creates a FIFO (with its missing parents) with the system's {@code mkfifo}.
	 */
	static Path mkfifo(Path path) throws IOException, InterruptedException {
		Files.createDirectories(path.getParent());
		Process process = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("mkfifo exited").isTrue();
		assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
		assertThat(path).satisfies((fifo) -> assertThat(Files.isRegularFile(fifo)).isFalse());
		return path;
	}

	private static DirectoryCache.Builder direct(Path root) {
		return DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT);
	}

}
