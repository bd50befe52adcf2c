package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.dylibso.chicory.runtime.Instance;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * I/O failures are absorbed: a failed get is a miss, a failed put a no-op; each is
 * counted, visible as the last fault, and logged at {@code WARNING} once per kind (then
 * at {@code DEBUG}).
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheFaultTests {

	/**
	 * The JDK's default {@code System.Logger} backend is {@code java.util.logging}; hold
	 * the logger strongly so that the handler stays attached.
	 */
	private final Logger julLogger = Logger.getLogger(DirectoryCache.class.getName());

	private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());

	private final Handler handler = new Handler() {

		@Override
		public void publish(LogRecord record) {
			DirectoryCacheFaultTests.this.records.add(record);
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	private Level previousLevel;

	@TempDir
	Path temp;

	@BeforeEach
	void captureLog() {
		this.previousLevel = this.julLogger.getLevel();
		this.julLogger.setLevel(Level.ALL);
		this.handler.setLevel(Level.ALL);
		this.julLogger.addHandler(this.handler);
	}

	@AfterEach
	void releaseLog() {
		this.julLogger.removeHandler(this.handler);
		this.julLogger.setLevel(this.previousLevel);
	}

	@Test
	void unreadableEntryIsAMissAndAFault() throws IOException {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		try (DirectoryCache cache = direct(root).build()) {
			// a directory where the entry file should be, which is not empty: it is never
			// opened, and cannot be removed
			Path entry = Files.createDirectories(CacheFixtures.expectedPath(root, key));
			Files.writeString(entry.resolve("content"), "x");
			assertThat(cache.get(key)).isNull();
			CacheStats stats = cache.stats();
			assertThat(stats.misses()).isOne();
			assertThat(stats.corruptEntries()).isZero();
			assertThat(stats.faults()).isOne();
			assertThat(stats.lastFault()).isNotNull().satisfies((fault) -> {
				assertThat(fault.kind()).isEqualTo(CacheFault.Kind.READ);
				assertThat(fault.message()).contains(entry.toString()).contains("is a directory, not an entry");
				assertThat(fault.time()).isNotNull();
			});
			// a put cannot replace it, and does not throw either: it counts as a failure
			assertThatNoException().isThrownBy(() -> cache.putIfAbsent(key, new byte[10]));
			assertThat(entry).isDirectory();
			assertThat(cache.stats().putFailures()).isOne();
			assertThat(cache.stats().lastFault().kind()).isEqualTo(CacheFault.Kind.WRITE);
			assertThat(cache.stats().lastFault().message()).contains(entry.toString()).contains("is a directory");
		}
	}

	@Test
	void failedPutIsANoOpAndAFault() throws IOException {
		// a full disk: no entry can be written
		try (FileSystem disk = CacheFixtures.fullDisk()) {
			Path root = disk.getPath("/cache");
			try (DirectoryCache cache = direct(root).build()) {
				String key = CacheFixtures.key(1);
				assertThatNoException().isThrownBy(() -> cache.putIfAbsent(key, new byte[10]));
				assertThat(cache.get(key)).isNull();
				CacheStats stats = cache.stats();
				assertThat(stats.puts()).isZero();
				assertThat(stats.putFailures()).isOne();
				assertThat(stats.bytesWritten()).isZero();
				assertThat(stats.entryCount()).isZero();
				assertThat(stats.faults()).isOne();
				assertThat(stats.lastFault().kind()).isEqualTo(CacheFault.Kind.WRITE);
				assertThat(stats.lastFault().message()).contains(key).contains(root.toString());
				assertThat(CacheFixtures.entryFiles(root)).isEmpty();
				// once there is room again, puts work again
				Files.delete(disk.getPath(CacheFixtures.FILLER));
				cache.putIfAbsent(key, new byte[10]);
				assertThat(cache.get(key)).hasSize(10);
				assertThat(cache.stats().puts()).isOne();
			}
		}
	}

	@Test
	void eachKindOfFaultIsLoggedAsAWarningOnce() throws IOException {
		// a full disk: no entry can be written
		try (FileSystem disk = CacheFixtures.fullDisk()) {
			Path root = disk.getPath("/cache");
			try (DirectoryCache cache = direct(root).build()) {
				for (int i = 0; i < 5; i++) {
					String key = CacheFixtures.key(i);
					Files.createDirectories(CacheFixtures.expectedPath(root, key));
					cache.get(key);
					cache.putIfAbsent(CacheFixtures.key(100 + i), new byte[10]);
				}
				assertThat(cache.stats().faults()).isEqualTo(10);
				assertThat(cache.stats().putFailures()).isEqualTo(5);
				assertThat(warnings(root)).hasSize(2)
					.anySatisfy((message) -> assertThat(message).contains("Chicory cache read failure"))
					.anySatisfy((message) -> assertThat(message).contains("Chicory cache write failure"));
				assertThat(debugs(root)).hasSize(8);
				// a further fault of a kind already logged is counted, not warned about
				// again
				cache.putIfAbsent(CacheFixtures.key(200), new byte[10]);
				assertThat(cache.stats().faults()).isEqualTo(11);
				assertThat(warnings(root)).hasSize(2);
			}
			// another cache object warns again: each one has its own memory of what it
			// logged
			try (DirectoryCache cache = direct(root).build()) {
				cache.putIfAbsent(CacheFixtures.key(300), new byte[10]);
				assertThat(warnings(root)).hasSize(3);
			}
		}
	}

	@Test
	void logMessagesDoNotDependOnTheDefaultLocale() throws IOException {
		// a full disk: no entry can be written
		try (FileSystem disk = CacheFixtures.fullDisk()) {
			Path root = disk.getPath("/cache");
			Locale previous = Locale.getDefault();
			// Turkish lower-cases 'I' to a dotless 'ı'
			Locale.setDefault(Locale.forLanguageTag("tr-TR"));
			try (DirectoryCache cache = direct(root).build()) {
				cache.putIfAbsent(CacheFixtures.key(1), new byte[10]);
			}
			finally {
				Locale.setDefault(previous);
			}
			assertThat(warnings(root)).singleElement().asString().contains("Chicory cache write failure");
		}
	}

	@Test
	void warningNamesTheCauseInOneLineAndDebugCarriesItsStackTrace() throws IOException {
		// a full disk: no entry can be written
		try (FileSystem disk = CacheFixtures.fullDisk()) {
			Path root = disk.getPath("/cache");
			try (DirectoryCache cache = direct(root).build()) {
				cache.putIfAbsent(CacheFixtures.key(1), new byte[10]);
			}
			assertThat(this.records).filteredOn((record) -> record.getLevel() == Level.WARNING)
				.filteredOn((record) -> record.getMessage().contains(root.toString()))
				.singleElement()
				.satisfies((record) -> {
					assertThat(record.getMessage()).doesNotContain("\n").contains("Exception");
					assertThat(record.getThrown()).isNull();
				});
			assertThat(this.records).filteredOn((record) -> record.getLevel() == Level.FINE)
				.anySatisfy((record) -> assertThat(record.getThrown()).isInstanceOf(IOException.class));
		}
	}

	@Test
	void closedFileSystemIsAbsorbed() throws IOException {
		FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
		Path root = fs.getPath("/cache");
		try (DirectoryCache cache = direct(root).build()) {
			String key = CacheFixtures.key(1);
			cache.putIfAbsent(key, new byte[10]);
			fs.close();
			assertThatNoException().isThrownBy(() -> {
				assertThat(cache.get(key)).isNull();
				cache.putIfAbsent(CacheFixtures.key(2), new byte[10]);
			});
			Instance instance = ChicoryFixtures.compile(ChicoryFixtures.countVowelsModule(), cache);
			assertThat(ChicoryFixtures.countVowels(instance, ChicoryFixtures.HELLO)).isEqualTo(3);
			CacheStats stats = cache.stats();
			assertThat(stats.hits()).isZero();
			assertThat(stats.misses()).isEqualTo(2);
			assertThat(stats.putFailures()).isEqualTo(2);
			assertThat(stats.faults()).isEqualTo(4);
		}
	}

	private List<String> warnings(Path root) {
		return messages(Level.WARNING, root);
	}

	private List<String> debugs(Path root) {
		return messages(Level.FINE, root);
	}

	private List<String> messages(Level level, Path root) {
		synchronized (this.records) {
			return this.records.stream()
				.filter((record) -> record.getLevel() == level)
				.map(LogRecord::getMessage)
				.filter((message) -> message.contains(root.toString()))
				.toList();
		}
	}

	private static DirectoryCache.Builder direct(Path root) {
		return DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT);
	}

}
