package io.github.chicorycache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;

/**
 * A separate JVM using a {@link DirectoryCache}, started by
 * {@link DirectoryCacheMultiProcessTests}. It talks over standard streams: it prints
 * {@value #READY} once its cache is open, and results as {@code KEY=VALUE} lines.
 * <ul>
 * <li>{@code stress <root> <seed> <operations> <keySpace> <maxEntries>}: after reading a
 * line from standard input (so that all workers start together), puts and gets random
 * keys whose payloads follow from the key ({@link CacheFixtures#payload(String, int)}),
 * checks that every hit has exactly the right bytes, and prints a {@code RESULT}
 * line.</li>
 * <li>{@code hog <root> <payloadBytes>}: stores three small entries, prints
 * {@value #READY}, then stores large entries (key {@code i} filled with byte {@code i},
 * keeping only the last two) until it is killed.</li>
 * <li>{@code read-any-size <root> <key>}: reads a key with no maximum entry size, and
 * prints what happened (run with a small heap, it shows what an {@link OutOfMemoryError}
 * of the read path does).</li>
 * <li>{@code put <root>}: stores an entry in the root namespace and one in namespace
 * {@code v1}, creates the directory {@code <root>-control} with default permissions, and
 * prints those (run under a permissive umask, it shows what the cache creates).</li>
 * </ul>
 */
public final class DirectoryCacheWorker {

	static final String READY = "READY";

	static final String RESULT = "RESULT";

	static final int STRESS_MAX_PAYLOAD = 64 * 1024;

	static final int HOG_SMALL_ENTRIES = 3;

	static final int HOG_MAX_LARGE_ENTRIES = 2000;

	private DirectoryCacheWorker() {
	}

	public static void main(String[] args) throws Exception {
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
		Path root = Path.of(args[1]);
		switch (args[0]) {
			case "stress" -> stress(out, root, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
					Integer.parseInt(args[4]), Integer.parseInt(args[5]));
			case "hog" -> hog(out, root, Integer.parseInt(args[2]));
			case "read-any-size" -> readAnySize(out, root, args[2]);
			case "put" -> put(out, root);
			default -> throw new IllegalArgumentException("Unknown mode " + args[0]);
		}
	}

	private static void stress(PrintStream out, Path root, int seed, int operations, int keySpace, int maxEntries)
			throws Exception {
		DirectoryCache.Builder builder = DirectoryCache.builder(root).withMaxEntries(maxEntries);
		if (seed % 2 == 0) {
			// half the workers trim on the putting thread, the others on their own thread
			builder.withExecutor(Runnable::run);
		}
		try (DirectoryCache cache = builder.build()) {
			out.println(READY);
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			in.readLine();
			Random random = new Random(seed);
			int errors = 0;
			for (int i = 0; i < operations; i++) {
				String key = CacheFixtures.key(random.nextInt(keySpace));
				byte[] expected = CacheFixtures.payload(key, STRESS_MAX_PAYLOAD);
				try {
					if (random.nextBoolean()) {
						cache.putIfAbsent(key, expected);
					}
					else {
						byte[] actual = cache.get(key);
						if (actual != null && !Arrays.equals(actual, expected)) {
							errors++;
							out.println("ERROR wrong bytes for " + key + ": " + actual.length + " bytes");
						}
					}
				}
				catch (RuntimeException ex) {
					errors++;
					out.println("ERROR " + ex);
				}
			}
			CacheStats stats = cache.stats();
			out.println(RESULT + " errors=" + errors + " hits=" + stats.hits() + " misses=" + stats.misses() + " puts="
					+ stats.puts() + " putFailures=" + stats.putFailures() + " corrupt=" + stats.corruptEntries()
					+ " faults=" + stats.faults() + " evictions=" + stats.evictionCount() + " lastFault="
					+ stats.lastFault());
		}
	}

	private static void hog(PrintStream out, Path root, int payloadBytes) {
		DirectoryCache cache = DirectoryCache.builder(root).withCleanupOnOpen(false).build();
		for (int i = 0; i < HOG_SMALL_ENTRIES; i++) {
			String key = CacheFixtures.key(i);
			cache.putIfAbsent(key, CacheFixtures.payload(key, 1000));
		}
		out.println(READY);
		byte[] payload = new byte[payloadBytes];
		// bounded, should the test fail to kill it; only the last two large entries are
		// kept, so that the disk does not fill up
		for (int i = HOG_SMALL_ENTRIES; i < HOG_SMALL_ENTRIES + HOG_MAX_LARGE_ENTRIES; i++) {
			Arrays.fill(payload, (byte) i);
			cache.putIfAbsent(CacheFixtures.key(i), payload);
			if (i >= HOG_SMALL_ENTRIES + 2) {
				cache.evict(CacheFixtures.key(i - 2));
			}
		}
		out.println("DONE without being killed");
		cache.close();
	}

	private static void readAnySize(PrintStream out, Path root, String key) {
		try (DirectoryCache cache = DirectoryCache.builder(root)
			.withMaxEntrySizeBytes(Long.MAX_VALUE)
			.withCleanupOnOpen(false)
			.build()) {
			byte[] data = null;
			String error = "none";
			try {
				data = cache.get(key);
			}
			catch (Throwable ex) {
				error = ex.getClass().getName();
			}
			CacheStats stats = cache.stats();
			out.println(RESULT + " hit=" + (data != null) + " misses=" + stats.misses() + " faults=" + stats.faults()
					+ " error=" + error);
			out.println("lastFault " + stats.lastFault());
		}
	}

	private static void put(PrintStream out, Path root) throws IOException {
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(Runnable::run).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
			cache.namespace("v1").putIfAbsent(CacheFixtures.key(2), new byte[] { 2 });
			Path control = Files.createDirectory(root.resolveSibling(root.getFileName() + "-control"));
			out.println(RESULT + " puts=" + cache.stats().puts() + " faults=" + cache.stats().faults() + " control="
					+ PosixFilePermissions.toString(Files.getPosixFilePermissions(control)));
		}
	}

	/**
	 * Returns what {@code hog} stores under key {@code index}.
	 * @param index the key index
	 * @param payloadBytes the size of large entries
	 * @return the payload
	 */
	static byte[] hogPayload(int index, int payloadBytes) {
		if (index < HOG_SMALL_ENTRIES) {
			return CacheFixtures.payload(CacheFixtures.key(index), 1000);
		}
		byte[] payload = new byte[payloadBytes];
		Arrays.fill(payload, (byte) index);
		return payload;
	}

}
