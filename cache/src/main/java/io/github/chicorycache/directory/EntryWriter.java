package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.CacheLimits;
import io.github.chicorycache.spi.FaultRecorder;

/**
 * Not API: the write path of a {@link io.github.chicorycache.DirectoryCache}. Stores an
 * entry unless it is present, never throws for an I/O failure (a failed put is counted
 * and recorded as a fault), and asks for a cleanup pass when a put crosses a limit.
 */
public final class EntryWriter {

	private final EntryLayout layout;

	private final AtomicPublisher publisher;

	private final CacheLimits limits;

	private final boolean readOnly;

	private final DirectoryStatsCounter stats;

	private final FaultRecorder faults;

	private final BackgroundCleanup cleanup;

	/**
	 * Creates the write path.
	 * @param layout the layout
	 * @param directories the directory policy
	 * @param limits the limits
	 * @param readOnly whether the cache only reads (then puts are ignored)
	 * @param clock the clock of creation times
	 * @param stats the statistics
	 * @param faults where failures are recorded
	 * @param cleanup runs a pass when a put crosses a limit (and ignores puts once
	 * closed)
	 */
	public EntryWriter(EntryLayout layout, OwnerOnlyDirectories directories, CacheLimits limits, boolean readOnly,
			Clock clock, DirectoryStatsCounter stats, FaultRecorder faults, BackgroundCleanup cleanup) {
		this.layout = layout;
		this.publisher = new AtomicPublisher(layout, directories, clock);
		this.limits = limits;
		this.readOnly = readOnly;
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
		if (this.readOnly || this.cleanup.isClosed()) {
			return;
		}
		if (store(namespace, key, data)
				&& EvictionPlanner.exceeded(this.limits, this.stats.entryCount(), this.stats.totalBytes())) {
			this.cleanup.request();
		}
	}

	/**
	 * Stores an entry unless the key has one.
	 * @return whether this call stored it
	 */
	private boolean store(String namespace, CacheKey key, byte[] data) {
		Path target = this.layout.entryPath(namespace, key);
		try {
			if (Files.exists(target)) {
				return false;
			}
			long encodedSize = EntryCodec.encodedSize(key.value(), data.length);
			if (encodedSize > this.limits.maxSizeBytes()) {
				// Stored, it would flush every other entry, then be evicted itself.
				this.stats.recordPutFailure();
				this.faults.record(CacheFault.Kind.WRITE, "Not storing " + key + ": its entry of " + encodedSize
						+ " bytes exceeds the size limit of " + this.limits.maxSizeBytes() + " bytes", null);
				return false;
			}
			long size = this.publisher.publish(key, data, target);
			if (size < 0) {
				return false;
			}
			this.stats.recordPut(size);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			this.stats.recordPutFailure();
			this.faults.record(CacheFault.Kind.WRITE, "Could not store " + key + " at " + target, ex);
			return false;
		}
	}

}
