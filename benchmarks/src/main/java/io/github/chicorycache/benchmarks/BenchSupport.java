package io.github.chicorycache.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.testsupport.RealModules;
import io.github.chicorycache.testsupport.WasmModuleWriter;

/**
 * Modules, directories and caches shared by the benchmarks and harnesses.
 */
public final class BenchSupport {

	/**
	 * The generated and real modules of the JMH benchmarks and the single-flight case.
	 */
	public static final String[] MODULES = { "fn10", "fn1000", "fn5000", "wat2wasm" };

	/**
	 * The real modules of the warm-start and ratio harnesses: {@code wat2wasm} from the
	 * {@code com.dylibso.chicory:wabt} jar, the others fetched from the npm registry by
	 * {@code benchmarks/fetch-modules.sh} (provenance in {@code benchmarks/modules.tsv}).
	 */
	public static final String[] REAL_MODULES = { "wat2wasm", "brotli", "resvg", "tiktoken" };

	/**
	 * System property naming the directory for cache directories (default
	 * {@code <java.io.tmpdir>/chicory-cache-bench}).
	 */
	public static final String DIR_PROPERTY = "chicory.bench.dir";

	/**
	 * System property naming the directory of the fetched real modules,
	 * {@code <name>.wasm} (default {@code benchmarks/target/modules}).
	 */
	public static final String MODULES_PROPERTY = "chicory.bench.modules";

	private BenchSupport() {
	}

	/**
	 * Returns the bytes of a benchmark module.
	 * @param name {@code fn<N>} for a generated module of N functions, {@code wat2wasm},
	 * or the name of a fetched module ({@code <name>.wasm} in the modules directory)
	 * @param seed varies generated modules (distinct seeds give distinct digests);
	 * ignored for real modules
	 * @return the module bytes
	 */
	public static byte[] moduleBytes(String name, int seed) {
		if (name.equals("wat2wasm")) {
			return RealModules.wat2wasm();
		}
		if (name.matches("fn[0-9]+")) {
			return WasmModuleWriter.functions(Integer.parseInt(name.substring(2)), seed);
		}
		Path file = Path.of(System.getProperty(MODULES_PROPERTY, "benchmarks/target/modules"), name + ".wasm");
		try {
			return Files.readAllBytes(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Module " + name + " not found at " + file + ": run benchmarks/fetch-modules.sh first", ex);
		}
	}

	/**
	 * Parses a benchmark module.
	 * @param name the module name
	 * @return the parsed module (with its digest)
	 */
	public static WasmModule parse(String name) {
		return Parser.parse(moduleBytes(name, 0));
	}

	/**
	 * Returns the base directory for benchmark files, created if needed.
	 * @return the directory
	 */
	public static Path baseDirectory() {
		String configured = System.getProperty(DIR_PROPERTY);
		Path base = (configured != null) ? Path.of(configured)
				: Path.of(System.getProperty("java.io.tmpdir"), "chicory-cache-bench");
		try {
			return Files.createDirectories(base.toAbsolutePath());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Creates a fresh, empty directory under the base directory.
	 * @param prefix the name prefix
	 * @return the directory
	 */
	public static Path freshDirectory(String prefix) {
		try {
			return Files.createTempDirectory(baseDirectory(), prefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Opens a directory cache for benchmarking: as an application opens one, but without
	 * the cleanup pass on open (which would run beside the measurement).
	 * @param root the root
	 * @return the cache
	 */
	public static DirectoryCache directoryCache(Path root) {
		return DirectoryCache.builder(root).withCleanupOnOpen(false).build();
	}

	/**
	 * Returns a compiler over a cache.
	 * @param cache the cache
	 * @param memory whether in-JVM reuse is on
	 * @return the compiler
	 */
	public static ChicoryCompiler compiler(Cache cache, boolean memory) {
		return ChicoryCompiler.builder().withCache(cache).withMemoryMaxEntries(memory ? 64 : 0).build();
	}

	/**
	 * Compiles a module once and returns the JAR that Chicory hands to its cache.
	 * @param module the module
	 * @return the JAR bytes
	 */
	public static byte[] compiledJar(WasmModule module) {
		MapCache cache = new MapCache();
		MachineFactoryCompiler.builder(module).withCache(cache).compile();
		return cache.get(module.digest());
	}

	/**
	 * Returns a valid digest key for an index: {@code sha-256:} and the Base64 SHA-256 of
	 * the index.
	 * @param index the index
	 * @return the key
	 */
	public static String key(int index) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256")
				.digest(Integer.toString(index).getBytes(StandardCharsets.UTF_8));
			return "sha-256:" + Base64.getEncoder().encodeToString(hash);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Deletes a directory tree, ignoring what cannot be deleted.
	 * @param root the directory
	 */
	public static void deleteTree(Path root) {
		if (root == null || !Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// best effort
				}
			});
		}
		catch (IOException ex) {
			// best effort
		}
	}

	/**
	 * The floor of a cache: a map in memory holding the bytes.
	 */
	public static final class MapCache implements Cache {

		private final Map<String, byte[]> entries = new ConcurrentHashMap<>();

		@Override
		public byte[] get(String key) {
			return this.entries.get(key);
		}

		@Override
		public void putIfAbsent(String key, byte[] data) {
			this.entries.putIfAbsent(key, data);
		}

		/**
		 * Returns the number of entries.
		 * @return the size
		 */
		public int size() {
			return this.entries.size();
		}

	}

}
