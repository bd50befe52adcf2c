package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.EvictionCause;
import io.github.chicorycache.spi.FaultRecorder;

/**
 * Not API: removes entry files of a {@link io.github.chicorycache.DirectoryCache} and
 * accounts for each removal, whoever asks (a read that found damage, an operator, the
 * compiler, a cleanup pass). Only regular files reached without following a link are
 * removed, and only a removal that happened is counted.
 */
public final class EntryRemover {

	private final EntryLayout layout;

	private final boolean readOnly;

	private final DirectoryStatsCounter stats;

	private final FaultRecorder faults;

	private final Deleter deleter;

	/**
	 * Creates a remover.
	 * @param layout the layout
	 * @param options the options (read-only: nothing is removed)
	 * @param stats the statistics
	 * @param faults where failures are recorded
	 */
	EntryRemover(EntryLayout layout, DirectoryOptions options, DirectoryStatsCounter stats, FaultRecorder faults) {
		this(layout, options, stats, faults, Files::delete);
	}

	EntryRemover(EntryLayout layout, DirectoryOptions options, DirectoryStatsCounter stats, FaultRecorder faults,
			Deleter deleter) {
		this.layout = layout;
		this.readOnly = options.readOnly();
		this.stats = stats;
		this.faults = faults;
		this.deleter = deleter;
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
		return delete(file, -1, EvictionCause.MANUAL) == Outcome.REMOVED;
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
		return delete(file, -1, EvictionCause.CORRUPT) != Outcome.FAILED
				&& !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
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
	 * @return what happened
	 */
	Outcome delete(Path file, long size, EvictionCause cause) {
		try {
			NoFollow.Reached reached = NoFollow.reach(this.layout, file);
			if (reached.obstacle() != null) {
				this.faults.record(CacheFault.Kind.DELETE,
						"Not deleting " + file + ": " + reached.obstacle() + " (links are never followed)", null);
				return Outcome.FAILED;
			}
			BasicFileAttributes attributes = reached.attributes();
			if (attributes == null || !attributes.isRegularFile()) {
				// not an entry (any more); the read path removes what else has its name
				return Outcome.ABSENT;
			}
			long bytes = (size >= 0) ? size : attributes.size();
			this.deleter.delete(file);
			this.stats.recordEviction(cause, bytes);
			return Outcome.REMOVED;
		}
		catch (NoSuchFileException ex) {
			return Outcome.ABSENT;
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.DELETE, "Could not delete " + file, ex);
			return Outcome.FAILED;
		}
	}

	/**
	 * What became of an entry file that was to be deleted.
	 */
	enum Outcome {

		/**
		 * This call deleted it.
		 */
		REMOVED,

		/**
		 * It was not there (any more): someone else removed it.
		 */
		ABSENT,

		/**
		 * It is still there.
		 */
		FAILED

	}

	/**
	 * Deletes one file (a seam for tests of failed deletions, which a process running as
	 * root cannot otherwise provoke).
	 */
	@FunctionalInterface
	interface Deleter {

		void delete(Path file) throws IOException;

	}

}
