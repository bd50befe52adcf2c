package io.github.chicorycache.benchmarks;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;

import com.dylibso.chicory.compiler.Cache;

/**
 * Upstream's way, the baseline of the warm-start benchmark: a plain-file {@link Cache}
 * that does what Chicory's experimental {@code dircache} does (that module is not on
 * Maven Central, so the benchmark carries this equivalent): one file per key,
 * {@code <root>/<algorithm>/<2 chars>/<rest>.jar}, read whole on {@code get}, written to
 * a temporary file and moved into place on {@code putIfAbsent}. No header, checksum,
 * namespace, fsync, eviction or statistics: the cost floor of a disk cache.
 */
final class PlainFileCache implements Cache {

	private final Path root;

	private final AtomicInteger hits = new AtomicInteger();

	PlainFileCache(Path root) {
		this.root = root;
	}

	@Override
	public byte[] get(String key) {
		Path file = file(key);
		try {
			if (!Files.isRegularFile(file)) {
				return null;
			}
			byte[] data = Files.readAllBytes(file);
			this.hits.incrementAndGet();
			return data;
		}
		catch (IOException ex) {
			return null;
		}
	}

	@Override
	public void putIfAbsent(String key, byte[] data) throws IOException {
		Path file = file(key);
		if (Files.isRegularFile(file)) {
			return;
		}
		Path temp = Files.createDirectories(this.root.resolve(".tmp")).resolve("f-" + System.nanoTime() + ".tmp");
		try {
			Files.write(temp, data);
			Files.createDirectories(file.getParent());
			Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (FileAlreadyExistsException ex) {
			// Another writer was first: the entry is there.
		}
		finally {
			Files.deleteIfExists(temp);
		}
	}

	/**
	 * Returns the number of {@code get} calls that found an entry.
	 * @return the number of hits
	 */
	int hits() {
		return this.hits.get();
	}

	private Path file(String key) {
		int colon = key.indexOf(':');
		String digest = key.substring(colon + 1).replace('+', '-').replace('/', '_').replace("=", "");
		return this.root.resolve(key.substring(0, colon))
			.resolve(digest.substring(0, 2))
			.resolve(digest.substring(2) + ".jar");
	}

}
