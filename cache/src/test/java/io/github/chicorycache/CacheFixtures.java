package io.github.chicorycache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.dylibso.chicory.compiler.Cache;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;

/**
 * Keys, payloads and file-system helpers shared by the cache tests (and by
 * {@link DirectoryCacheWorker}, which runs in separate JVMs).
 */
final class CacheFixtures {

	/**
	 * The example key of the seed's documentation.
	 */
	static final String SEED_KEY = "sha-256:KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb+w=";

	/**
	 * Where the seed's documentation stores {@link #SEED_KEY} under {@code /cache}.
	 */
	static final String SEED_PATH = "/cache/sha-256/kr/gytkcm43c34ksqta8gmddw4ycfquc2g0qfifcpb-w.jar";

	/**
	 * Runs cleanup passes on the calling thread, so that they are deterministic.
	 */
	static final Executor DIRECT = Runnable::run;

	/**
	 * The file that fills the disk of {@link #fullDisk()}.
	 */
	static final String FILLER = "/filler";

	private CacheFixtures() {
	}

	/**
	 * Returns a realistic key, {@code sha-256:<standard padded base64>}, distinct for
	 * every index.
	 * @param index the index
	 * @return the key
	 */
	static String key(int index) {
		return "sha-256:" + Base64.getEncoder().encodeToString(sha256("key-" + index));
	}

	/**
	 * Returns a payload whose size and content follow from the key alone, so that any
	 * process can verify what it reads.
	 * @param key the key
	 * @param maxSize the largest size
	 * @return the payload, between 1 and {@code maxSize} bytes
	 */
	static byte[] payload(String key, int maxSize) {
		Random random = new Random(seed(key));
		byte[] payload = new byte[1 + random.nextInt(maxSize)];
		random.nextBytes(payload);
		return payload;
	}

	/**
	 * Returns a payload of an exact size whose content follows from the key.
	 * @param key the key
	 * @param size the size
	 * @return the payload
	 */
	static byte[] payloadOfSize(String key, int size) {
		byte[] payload = new byte[size];
		new Random(seed(key)).nextBytes(payload);
		return payload;
	}

	/**
	 * Returns the size of the file an entry of this key and payload size takes, from the
	 * documented format: a 19-byte fixed header, the key in UTF-8, the payload, a 4-byte
	 * CRC.
	 * @param key the key
	 * @param payloadSize the payload size
	 * @return the file size
	 */
	static long entrySize(String key, int payloadSize) {
		return 19 + key.getBytes(StandardCharsets.UTF_8).length + payloadSize + 4;
	}

	/**
	 * Computes, independently of the code under test, where the seed layout puts a key:
	 * {@code <root>/<algorithm>/<first two chars>/<rest>.jar} of the digest without
	 * padding, {@code +} as {@code -}, {@code /} as {@code _}, lower case.
	 * @param root the cache root
	 * @param key the key
	 * @return the path of its entry
	 */
	static Path expectedPath(Path root, String key) {
		int colon = key.indexOf(':');
		String digest = key.substring(colon + 1).replaceAll("=+$", "").replace('+', '-').replace('/', '_');
		digest = digest.toLowerCase(Locale.ROOT);
		return root.resolve(key.substring(0, colon))
			.resolve(digest.substring(0, 2))
			.resolve(digest.substring(2) + ".jar");
	}

	/**
	 * Lists every entry file ({@code *.jar} outside {@code .tmp}) under a root.
	 * @param root the root
	 * @return the entry files, sorted
	 */
	static List<Path> entryFiles(Path root) {
		if (!Files.isDirectory(root)) {
			return List.of();
		}
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter((file) -> !root.relativize(file).startsWith(DirectoryCache.TEMP_DIRECTORY))
				.filter((file) -> file.getFileName().toString().endsWith(".jar") && Files.isRegularFile(file))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Sums the sizes of the entry files under a root.
	 * @param root the root
	 * @return the total size
	 */
	static long entryBytes(Path root) {
		long total = 0;
		for (Path file : entryFiles(root)) {
			try {
				total += Files.size(file);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return total;
	}

	/**
	 * Returns a full disk: an in-memory file system whose every block a file
	 * ({@link #FILLER}) takes, so that no entry can be written (directories take no
	 * blocks) until that file is deleted. Unlike a read-only directory, it stops root
	 * too.
	 * @return the file system, to close
	 * @throws IOException if it cannot be filled
	 */
	static FileSystem fullDisk() throws IOException {
		int blockSize = 4096;
		FileSystem fs = Jimfs
			.newFileSystem(Configuration.unix().toBuilder().setBlockSize(blockSize).setMaxSize(4L * blockSize).build());
		Files.write(fs.getPath(FILLER), new byte[4 * blockSize]);
		return fs;
	}

	/**
	 * Lists the files in {@code <root>/.tmp}.
	 * @param root the root
	 * @return the temporary files
	 */
	static List<Path> tempFiles(Path root) {
		Path temp = root.resolve(DirectoryCache.TEMP_DIRECTORY);
		if (!Files.isDirectory(temp)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(temp)) {
			return files.sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Describes a whole tree: every file and directory with its type, size, modification
	 * time and content hash, so that two snapshots differ if anything was created,
	 * deleted, written or touched.
	 * @param dir the directory
	 * @return relative path to description
	 */
	static Map<String, String> snapshot(Path dir) {
		Map<String, String> tree = new TreeMap<>();
		if (!Files.exists(dir)) {
			return tree;
		}
		try {
			Files.walkFileTree(dir, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
					tree.put(dir.relativize(directory).toString() + "/", "dir " + attributes.lastModifiedTime());
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
					tree.put(dir.relativize(file).toString(), "file " + attributes.size() + " "
							+ attributes.lastModifiedTime() + " " + Base64.getEncoder().encodeToString(sha256(file)));
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return tree;
	}

	/**
	 * Sets a file's modification time, which the cache uses as its last access.
	 * @param file the file
	 * @param time the time
	 */
	static void setLastAccess(Path file, Instant time) {
		try {
			Files.setLastModifiedTime(file, FileTime.from(time));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static byte[] sha256(String text) {
		return sha256(text.getBytes(StandardCharsets.UTF_8));
	}

	static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] sha256(Path file) throws IOException {
		return sha256(Files.readAllBytes(file));
	}

	private static long seed(String key) {
		byte[] hash = sha256(key);
		long seed = 0;
		for (int i = 0; i < 8; i++) {
			seed = (seed << 8) | (hash[i] & 0xff);
		}
		return seed;
	}

	/**
	 * Collects the tasks a cache submits instead of running them, so that a test decides
	 * when (and whether) they run.
	 */
	static final class QueueingExecutor implements Executor {

		final List<Runnable> tasks = new ArrayList<>();

		@Override
		public synchronized void execute(Runnable task) {
			this.tasks.add(task);
		}

		synchronized int size() {
			return this.tasks.size();
		}

		void runAll() {
			List<Runnable> pending;
			synchronized (this) {
				pending = new ArrayList<>(this.tasks);
				this.tasks.clear();
			}
			pending.forEach(Runnable::run);
		}

	}

	/**
	 * Counts the tasks it runs on the calling thread.
	 */
	static final class CountingExecutor implements Executor {

		final AtomicInteger runs = new AtomicInteger();

		@Override
		public void execute(Runnable task) {
			this.runs.incrementAndGet();
			task.run();
		}

	}

	/**
	 * Wraps a cache and counts what the compiler asks of it, as upstream's tests do.
	 */
	static final class HitCountingCache implements Cache {

		private final Cache delegate;

		final AtomicInteger hits = new AtomicInteger();

		final AtomicInteger misses = new AtomicInteger();

		final AtomicInteger puts = new AtomicInteger();

		HitCountingCache(Cache delegate) {
			this.delegate = delegate;
		}

		@Override
		public byte[] get(String key) throws IOException {
			byte[] data = this.delegate.get(key);
			((data != null) ? this.hits : this.misses).incrementAndGet();
			return data;
		}

		@Override
		public void putIfAbsent(String key, byte[] data) throws IOException {
			this.puts.incrementAndGet();
			this.delegate.putIfAbsent(key, data);
		}

	}

	/**
	 * A clock a test moves by hand.
	 */
	static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void set(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}
