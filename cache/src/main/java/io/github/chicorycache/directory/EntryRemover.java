package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.EvictionCause;
import io.github.chicorycache.spi.FaultRecorder;

/**
 * Not API: removes entry files of a {@link io.github.chicorycache.DirectoryCache} and
 * accounts for each removal, whoever asks (a read that found damage, an operator, the
 * compiler, a cleanup pass).
 */
public final class EntryRemover {

	private final EntryLayout layout;

	private final boolean readOnly;

	private final DirectoryStatsCounter stats;

	private final FaultRecorder faults;

	/**
	 * Creates a remover.
	 * @param layout the layout
	 * @param readOnly whether the cache only reads (then nothing is removed)
	 * @param stats the statistics
	 * @param faults where failures are recorded
	 */
	public EntryRemover(EntryLayout layout, boolean readOnly, DirectoryStatsCounter stats, FaultRecorder faults) {
		this.layout = layout;
		this.readOnly = readOnly;
		this.stats = stats;
		this.faults = faults;
	}

	/**
	 * Removes the entry of a key on request.
	 * @param namespace the namespace, empty for the root namespace
	 * @param key the key
	 * @return whether an entry was removed
	 * @throws IllegalStateException if the cache is read-only
	 */
	public boolean evict(String namespace, CacheKey key) {
		Path file = this.layout.entryPath(namespace, key);
		requireWritable();
		return delete(file, -1, EvictionCause.MANUAL);
	}

	/**
	 * Removes an entry that its consumer found unusable, counting it as corrupt; in a
	 * read-only cache it only counts.
	 * @param namespace the namespace, empty for the root namespace
	 * @param key the key
	 * @param reason why the entry is unusable
	 * @return whether the entry is gone
	 */
	public boolean invalidate(String namespace, CacheKey key, String reason) {
		Path file = this.layout.entryPath(namespace, key);
		this.stats.recordCorrupt();
		this.faults.record(CacheFault.Kind.CORRUPT, "Entry " + file + " cannot be used (" + reason + ")"
				+ (this.readOnly ? "; left in place because the cache is read-only" : "; evicted"), null);
		if (this.readOnly) {
			return false;
		}
		delete(file, -1, EvictionCause.CORRUPT);
		return !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * Refuses an operator's removal in a read-only cache.
	 * @throws IllegalStateException if the cache is read-only
	 */
	void requireWritable() {
		if (this.readOnly) {
			throw new IllegalStateException("Cache " + this.layout.root() + " is read-only");
		}
	}

	/**
	 * Deletes an entry file and accounts for it.
	 * @param file the file
	 * @param size the file's size if known, else -1
	 * @param cause why it goes
	 * @return whether this call removed the file
	 */
	boolean delete(Path file, long size, EvictionCause cause) {
		try {
			long bytes = (size >= 0) ? size : Files.size(file);
			if (!Files.deleteIfExists(file)) {
				return false;
			}
			this.stats.recordEviction(cause, bytes);
			return true;
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.DELETE, "Could not delete " + file, ex);
			return false;
		}
	}

}
