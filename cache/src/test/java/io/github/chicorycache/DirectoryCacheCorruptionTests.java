package io.github.chicorycache;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every kind of damage to an entry file is detected before a byte reaches the compiler:
 * the entry is a miss, counted as corrupt, evicted (deleted), and the key can be stored
 * again. In read-only mode the file is left in place but still counted.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheCorruptionTests {

	private static byte[] countVowelsJar;

	private static byte[] otherModuleJar;

	private static String countVowelsKey;

	@TempDir
	Path temp;

	@BeforeAll
	static void compileModules() {
		WasmModule countVowels = ChicoryFixtures.countVowelsModule();
		countVowelsKey = countVowels.digest();
		countVowelsJar = ChicoryFixtures.compiledJar(countVowels);
		otherModuleJar = ChicoryFixtures.compiledJar(Parser.parse(WasmModuleWriter.functions(5, 3)));
	}

	static Stream<Arguments> damages() {
		return Stream.of(arguments("garbage", bytes((entry) -> garbage(entry.length))),
				arguments("garbage of another length", bytes((entry) -> garbage(100_000))),
				arguments("empty file", bytes((entry) -> new byte[0])),
				arguments("one byte", bytes((entry) -> new byte[] { 0x43 })),
				arguments("truncated to 4 bytes", bytes((entry) -> Arrays.copyOf(entry, 4))),
				arguments("truncated inside the key", bytes((entry) -> Arrays.copyOf(entry, 12))),
				arguments("truncated after the header", bytes((entry) -> Arrays.copyOf(entry, headerLength(entry)))),
				arguments("truncated by half", bytes((entry) -> Arrays.copyOf(entry, entry.length / 2))),
				arguments("truncated by one byte", bytes((entry) -> Arrays.copyOf(entry, entry.length - 1))),
				arguments("one extra byte", bytes((entry) -> Arrays.copyOf(entry, entry.length + 1))),
				arguments("flipped byte in the magic", bytes((entry) -> flip(entry, 0))),
				arguments("flipped byte in the version", bytes((entry) -> flip(entry, 4))),
				arguments("flipped byte in the key length", bytes((entry) -> flip(entry, 6))),
				arguments("flipped byte in the key", bytes((entry) -> flip(entry, 7 + 10))),
				arguments("flipped byte in the creation time", bytes((entry) -> flip(entry, headerLength(entry) - 6))),
				arguments("flipped byte in the payload length", bytes((entry) -> flip(entry, headerLength(entry) - 1))),
				arguments("flipped byte at the start of the payload",
						bytes((entry) -> flip(entry, headerLength(entry)))),
				arguments("flipped byte in the middle of the payload", bytes((entry) -> flip(entry, entry.length / 2))),
				arguments("flipped byte at the end of the payload", bytes((entry) -> flip(entry, entry.length - 5))),
				arguments("flipped byte in the checksum", bytes((entry) -> flip(entry, entry.length - 1))),
				arguments("payload replaced by another module's JAR, header and checksum kept",
						bytes((entry) -> swapPayload(entry, otherModuleJar))),
				arguments("raw JAR without header (upstream's format)", bytes((entry) -> countVowelsJar)),
				arguments("raw JAR with a class missing",
						bytes((entry) -> ChicoryFixtures.jarWithout(countVowelsJar, someClass(countVowelsJar)))),
				arguments("raw JAR of another module", bytes((entry) -> otherModuleJar)),
				arguments("another key's valid entry copied here", (Damage) (root, key, entry) -> {
					String other = CacheFixtures.key(999);
					try (DirectoryCache writer = DirectoryCache.builder(root.resolveSibling("other"))
						.withExecutor(CacheFixtures.DIRECT)
						.build()) {
						writer.putIfAbsent(other, otherModuleJar);
						return Files.readAllBytes(CacheFixtures.expectedPath(writer.root(), other));
					}
				}));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("damages")
	void damagedEntryIsAMissAndEvicted(String description, Damage damage) throws IOException {
		Path root = this.temp.resolve("cache");
		String key = countVowelsKey;
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			cache.putIfAbsent(key, countVowelsJar);
			Path file = CacheFixtures.expectedPath(root, key);
			byte[] valid = Files.readAllBytes(file);
			byte[] damaged = damage.apply(root, key, valid);
			assertThat(damaged).as("the damage changes the file").isNotEqualTo(valid);
			Files.write(file, damaged);
			CacheStats before = cache.stats();

			assertThat(cache.get(key)).isNull();

			CacheStats after = cache.stats();
			assertThat(after.misses()).isEqualTo(before.misses() + 1);
			assertThat(after.hits()).isEqualTo(before.hits());
			assertThat(after.corruptEntries()).isEqualTo(before.corruptEntries() + 1);
			assertThat(after.evictions(EvictionCause.CORRUPT)).isEqualTo(before.evictions(EvictionCause.CORRUPT) + 1);
			assertThat(after.evictionCount()).isEqualTo(before.evictionCount() + 1);
			assertThat(after.entryCount()).isZero();
			// the damage was done behind the cache's back: the next pass reconciles the
			// size
			assertThat(cache.cleanup().bytesAfter()).isZero();
			assertThat(cache.stats().totalBytes()).isZero();
			assertThat(after.lastFault()).isNotNull().satisfies((fault) -> {
				assertThat(fault.kind()).isEqualTo(CacheFault.Kind.CORRUPT);
				assertThat(fault.message()).contains(file.toString()).contains("evicted");
			});
			assertThat(file).doesNotExist();
			assertThat(CacheFixtures.entryFiles(root)).isEmpty();

			// the key can be stored again, and then hits
			cache.putIfAbsent(key, countVowelsJar);
			assertThat(cache.get(key)).isEqualTo(countVowelsJar);
			assertThat(cache.stats().corruptEntries()).isEqualTo(after.corruptEntries());
			assertThat(cache.stats().entryCount()).isOne();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("damages")
	void damagedEntryIsLeftInPlaceButCountedWhenReadOnly(String description, Damage damage) throws IOException {
		Path root = this.temp.resolve("cache");
		String key = countVowelsKey;
		try (DirectoryCache writer = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			writer.putIfAbsent(key, countVowelsJar);
		}
		Path file = CacheFixtures.expectedPath(root, key);
		Files.write(file, damage.apply(root, key, Files.readAllBytes(file)));
		Map<String, String> before = CacheFixtures.snapshot(root);
		try (DirectoryCache cache = DirectoryCache.builder(root)
			.withExecutor(CacheFixtures.DIRECT)
			.withReadOnly(true)
			.build()) {
			assertThat(cache.get(key)).isNull();
			assertThat(cache.get(key)).isNull();
			CacheStats stats = cache.stats();
			assertThat(stats.misses()).isEqualTo(2);
			assertThat(stats.corruptEntries()).isEqualTo(2);
			assertThat(stats.evictions(EvictionCause.CORRUPT)).isZero();
			assertThat(stats.lastFault()).isNotNull()
				.satisfies((fault) -> assertThat(fault.message()).contains("left in place"));
		}
		assertThat(CacheFixtures.snapshot(root)).isEqualTo(before);
	}

	@Test
	void upstreamRawJarEntryIsReplacedByTheNextCompile() throws IOException {
		// a directory filled by upstream's DirectoryCache has the same layout, with raw
		// JARs
		Path root = this.temp.resolve("cache");
		WasmModule module = ChicoryFixtures.countVowelsModule();
		Path file = CacheFixtures.expectedPath(root, module.digest());
		Files.createDirectories(file.getParent());
		Files.write(file, ChicoryFixtures.jarWithout(countVowelsJar, someClass(countVowelsJar)));
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			CacheFixtures.HitCountingCache counting = new CacheFixtures.HitCountingCache(cache);
			Instance instance = ChicoryFixtures.compile(module, counting);
			assertThat(ChicoryFixtures.countVowels(instance, ChicoryFixtures.HELLO)).isEqualTo(3);
			assertThat(counting.hits).hasValue(0);
			assertThat(counting.puts).hasValue(1);
			assertThat(cache.stats().corruptEntries()).isOne();
			assertThat(cache.stats().evictions(EvictionCause.CORRUPT)).isOne();
			// the entry is now one of ours and serves the next compile
			WasmModule again = ChicoryFixtures.countVowelsModule();
			Instance cached = ChicoryFixtures.compile(again, counting);
			assertThat(ChicoryFixtures.countVowels(cached, ChicoryFixtures.HELLO)).isEqualTo(3);
			assertThat(counting.hits).hasValue(1);
		}
	}

	@Test
	void anotherModulesEntryUnderThisKeyNeverReachesTheCompiler() throws IOException {
		Path root = this.temp.resolve("cache");
		WasmModule other = Parser.parse(WasmModuleWriter.functions(5, 3));
		WasmModule module = ChicoryFixtures.countVowelsModule();
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			ChicoryFixtures.compile(other, cache);
			Path otherFile = CacheFixtures.expectedPath(root, other.digest());
			Path file = CacheFixtures.expectedPath(root, module.digest());
			Files.createDirectories(file.getParent());
			Files.copy(otherFile, file);
			Instance instance = ChicoryFixtures.compile(module, cache);
			assertThat(ChicoryFixtures.countVowels(instance, ChicoryFixtures.HELLO)).isEqualTo(3);
			assertThat(cache.stats().corruptEntries()).isOne();
			assertThat(cache.stats().lastFault().message()).contains("belongs to key " + other.digest());
		}
	}

	@Test
	void sparseFileLargerThanAnArrayIsAMiss() throws IOException {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			cache.putIfAbsent(key, new byte[10]);
			Path file = CacheFixtures.expectedPath(root, key);
			try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
				// the valid entry, extended with a sparse hole to 3 GiB
				raf.setLength(3L * 1024 * 1024 * 1024);
			}
			assertThat(cache.get(key)).isNull();
			assertThat(cache.stats().corruptEntries()).isOne();
			assertThat(file).doesNotExist();
		}
	}

	@Test
	void hugeGarbageFileIsRejectedFromItsHeader() throws IOException {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			Path file = CacheFixtures.expectedPath(root, key);
			Files.createDirectories(file.getParent());
			try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
				raf.write("not an entry".getBytes(StandardCharsets.UTF_8));
				raf.setLength(5L * 1024 * 1024 * 1024);
			}
			assertThat(cache.get(key)).isNull();
			assertThat(cache.stats().corruptEntries()).isOne();
			assertThat(cache.stats().lastFault().message()).contains("bad magic");
			assertThat(file).doesNotExist();
		}
	}

	@Test
	void corruptEntryIsReportedOncePerRead() throws IOException {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(1);
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			cache.putIfAbsent(key, new byte[100]);
			Files.write(CacheFixtures.expectedPath(root, key), garbage(50));
			assertThat(cache.get(key)).isNull();
			// gone now: a plain miss, not corrupt again
			assertThat(cache.get(key)).isNull();
			assertThat(cache.stats().corruptEntries()).isOne();
			assertThat(cache.stats().misses()).isEqualTo(2);
		}
	}

	@Test
	void everySingleBitFlipIsDetected() throws IOException {
		Path root = this.temp.resolve("cache");
		String key = CacheFixtures.key(7);
		byte[] payload = CacheFixtures.payloadOfSize(key, 64);
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			cache.putIfAbsent(key, payload);
			Path file = CacheFixtures.expectedPath(root, key);
			byte[] valid = Files.readAllBytes(file);
			int detected = 0;
			for (int i = 0; i < valid.length; i++) {
				for (int bit = 0; bit < 8; bit++) {
					byte[] damaged = valid.clone();
					damaged[i] ^= (byte) (1 << bit);
					Files.write(file, damaged);
					assertThat(cache.get(key)).as("bit %d of byte %d", bit, i).isNull();
					detected++;
					Files.write(file, valid);
				}
			}
			assertThat(cache.get(key)).isEqualTo(payload);
			assertThat(cache.stats().corruptEntries()).isEqualTo(detected).isEqualTo(valid.length * 8L);
		}
	}

	private static Damage bytes(UnaryOperator<byte[]> damage) {
		return (root, key, entry) -> damage.apply(entry);
	}

	private static byte[] garbage(int length) {
		return CacheFixtures.payloadOfSize("garbage", length);
	}

	private static byte[] flip(byte[] entry, int index) {
		byte[] damaged = entry.clone();
		damaged[index] ^= (byte) 0x5a;
		return damaged;
	}

	/**
	 * Header length from the documented format: magic (4), version (1), key length (2),
	 * key, creation time (8), payload length (4).
	 */
	private static int headerLength(byte[] entry) {
		int keyLength = ((entry[5] & 0xff) << 8) | (entry[6] & 0xff);
		return 4 + 1 + 2 + keyLength + 8 + 4;
	}

	private static byte[] swapPayload(byte[] entry, byte[] payload) {
		int header = headerLength(entry);
		byte[] swapped = Arrays.copyOf(entry, entry.length);
		byte[] replacement = Arrays.copyOf(payload, entry.length - header - 4);
		System.arraycopy(replacement, 0, swapped, header, replacement.length);
		return swapped;
	}

	private static String someClass(byte[] jar) {
		List<String> classes = ChicoryFixtures.jarEntries(jar)
			.stream()
			.filter((name) -> name.endsWith(".class"))
			.toList();
		assertThat(classes).isNotEmpty();
		return classes.get(classes.size() - 1);
	}

	/**
	 * Damage applied to the valid entry file of a key.
	 */
	interface Damage {

		byte[] apply(Path root, String key, byte[] entry) throws IOException;

	}

}
