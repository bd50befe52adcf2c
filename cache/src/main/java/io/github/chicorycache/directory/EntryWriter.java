package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the write path of a {@link io.github.chicorycache.DirectoryCache}. Stores an
 * entry unless it is present, never throws for an I/O failure (a failed put is counted
 * and recorded as a fault), and asks for a cleanup pass when a put crosses a limit.
 */
public final class EntryWriter {

	private final EntryLayout layout;

	private final AtomicPublisher publisher;

	private final DirectoryOptions options;

	private final DirectoryStatsCounter stats;

	private final FaultRecorder faults;

	private final BackgroundCleanup cleanup;

	/**
	 * Creates the write path.
	 * @param layout the layout
	 * @param directories the directory policy
	 * @param options the options (read-only: puts are ignored)
	 * @param stats the statistics
	 * @param faults where failures are recorded
	 * @param cleanup runs a pass when a put crosses a limit (and ignores puts once
	 * closed)
	 */
	EntryWriter(EntryLayout layout, OwnerOnlyDirectories directories, DirectoryOptions options,
			DirectoryStatsCounter stats, FaultRecorder faults, BackgroundCleanup cleanup) {
		this.layout = layout;
		this.publisher = new AtomicPublisher(layout, directories, options.clock());
		this.options = options;
		this.stats = stats;
		this.faults = faults;
		this.cleanup = cleanup;
	}

	/**
	 * Stores an entry unless the key has one, the cache only reads or it is closed; asks
	 * for a cleanup pass if the cache is then over a limit.
	 * @param namespace the namespace, empty for the root namespace
	 * @param key the key
	 * @param data the payload
	 */
	public void putIfAbsent(String namespace, CacheKey key, byte[] data) {
		Objects.requireNonNull(data, "data");
		if (this.options.readOnly() || this.cleanup.isClosed()) {
			return;
		}
		if (!store(namespace, key, data)) {
			return;
		}
		if (EvictionPlanner.exceeded(this.options.limits(), this.stats.entryCount(), this.stats.totalBytes())) {
			this.cleanup.request();
		}
		// Until the opening pass has counted what is on disk, the count above covers this
		// process's puts only: that pass runs now if it has not.
		this.cleanup.recordStore();
	}

	/**
	 * Stores an entry unless the key has one.
	 * @return whether this call stored it
	 */
	private boolean store(String namespace, CacheKey key, byte[] data) {
		Path target = this.layout.entryPath(namespace, key);
		try {
			// Through a link or a non-directory, nothing is there: publishing replaces
			// the link, or fails on the non-directory.
			BasicFileAttributes existing = NoFollow.reach(this.layout, target).attributes();
			if (existing != null && existing.isRegularFile()) {
				return false;
			}
			if (existing != null && existing.isDirectory()) {
				return fail("Could not store " + key + ": " + target + " is a directory", null);
			}
			long encodedSize = EntryCodec.encodedSize(key.value(), data.length);
			long maxSize = this.options.limits().maxSizeBytes();
			if (encodedSize > this.options.maxEntrySizeBytes()) {
				return fail("Not storing " + key + ": its entry of " + encodedSize
						+ " bytes exceeds the maximum entry size of " + this.options.maxEntrySizeBytes() + " bytes",
						null);
			}
			if (encodedSize > maxSize) {
				// Stored, it would flush every other entry, then be evicted itself.
				return fail("Not storing " + key + ": its entry of " + encodedSize + " bytes exceeds the size limit of "
						+ maxSize + " bytes", null);
			}
			long size = this.publisher.publish(key, data, target);
			if (size < 0) {
				return false;
			}
			this.stats.recordPut(size);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			return fail("Could not store " + key + " at " + target, ex);
		}
	}

	private boolean fail(String message, @Nullable Throwable cause) {
		this.stats.recordPutFailure();
		this.faults.record(CacheFault.Kind.WRITE, message, cause);
		return false;
	}

}
