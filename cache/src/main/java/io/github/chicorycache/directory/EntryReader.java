package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.github.chicorycache.CacheEntry;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.EvictionCause;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the read path of a {@link io.github.chicorycache.DirectoryCache}. Opens only
 * regular files reached without following a link, verifies an entry (size first, then
 * header, then checksum) before returning its payload, removes a damaged entry or
 * whatever else has an entry's name, refreshes the last access of a hit, and never throws
 * for a failure, not even an {@link Error} such as {@link OutOfMemoryError}: a failed
 * read is a miss and a fault. Also describes entries from their headers, for listings.
 */
public final class EntryReader {

	private final EntryLayout layout;

	private final DirectoryOptions options;

	private final DirectoryStatsCounter stats;

	private final FaultRecorder faults;

	private final EntryRemover remover;

	private final DirectoryScanner scanner;

	/**
	 * Creates the read path.
	 * @param layout the layout
	 * @param options the options (read-only: nothing is touched or removed)
	 * @param stats the statistics
	 * @param faults where failures are recorded
	 * @param remover removes damaged entries
	 */
	EntryReader(EntryLayout layout, DirectoryOptions options, DirectoryStatsCounter stats, FaultRecorder faults,
			EntryRemover remover) {
		this.layout = layout;
		this.options = options;
		this.stats = stats;
		this.faults = faults;
		this.remover = remover;
		this.scanner = new DirectoryScanner(layout, faults);
	}

	/**
	 * Returns the verified payload of a key's entry.
	 * @param namespace the namespace, empty for the root namespace
	 * @param key the key
	 * @return the payload, or {@code null} for a miss
	 */
	public byte @Nullable [] get(String namespace, CacheKey key) {
		Path file = this.layout.entryPath(namespace, key);
		byte[] payload;
		long fileSize = -1;
		try {
			NoFollow.Reached reached = NoFollow.reach(this.layout, file);
			if (reached.obstacle() != null) {
				this.stats.recordMiss();
				this.faults.record(CacheFault.Kind.READ,
						"Not reading " + file + ": " + reached.obstacle() + " (links are never followed)", null);
				return null;
			}
			BasicFileAttributes attributes = reached.attributes();
			if (attributes == null || !attributes.isRegularFile()) {
				this.stats.recordMiss();
				if (attributes != null) {
					removeNonEntry(file, attributes);
				}
				return null;
			}
			// The header is verified before the payload is read, so a damaged, foreign
			// or oversized file is a miss, not an allocation of its size.
			try (FileChannel channel = NoFollow.openForReading(file)) {
				fileSize = channel.size();
				payload = EntryCodec.read(channel, key.value(), this.options.maxEntrySizeBytes());
			}
		}
		catch (NoSuchFileException ex) {
			this.stats.recordMiss();
			return null;
		}
		catch (EntryCodec.CorruptEntryException ex) {
			this.stats.recordMiss();
			this.stats.recordCorrupt();
			this.faults.record(CacheFault.Kind.CORRUPT, "Entry " + file + " is damaged (" + ex.getMessage() + ")"
					+ (this.options.readOnly() ? "; left in place because the cache is read-only" : "; evicted"), null);
			if (!this.options.readOnly()) {
				this.remover.delete(file, fileSize, EvictionCause.CORRUPT);
			}
			return null;
		}
		catch (IOException | RuntimeException | Error ex) {
			// An Error (OutOfMemoryError above all) of the cache must not reach a
			// compiling caller, who can do without the entry.
			this.stats.recordMiss();
			this.faults.record(CacheFault.Kind.READ, "Could not read " + file, ex);
			return null;
		}
		this.stats.recordHit(payload.length);
		if (!this.options.readOnly()) {
			touch(file);
		}
		return payload;
	}

	/**
	 * Describes a key's entry.
	 * @param namespace the namespace, empty for the root namespace
	 * @param key the key
	 * @return the entry, if present
	 */
	public Optional<CacheEntry> entry(String namespace, CacheKey key) {
		Path file = this.layout.entryPath(namespace, key);
		try {
			BasicFileAttributes attributes = NoFollow.reach(this.layout, file).attributes();
			if (attributes == null || !attributes.isRegularFile()) {
				return Optional.empty();
			}
			Instant lastAccess = ClockSkew.effective(attributes.lastModifiedTime().toInstant(),
					this.options.clock().instant());
			return Optional.of(describe(new EntryFile(file, namespace, attributes.size(), lastAccess)));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Lists all entries of all namespaces, most recently used first, from their headers.
	 * @return the entries
	 */
	public List<CacheEntry> entries() {
		DirectoryScanner.Scan scan = this.scanner.scan(() -> false, this.options.clock().instant());
		List<CacheEntry> entries = new ArrayList<>();
		for (EntryFile file : Objects.requireNonNull(scan).entries()) {
			entries.add(describe(file));
		}
		entries.sort(Comparator.comparing(CacheEntry::lastAccess).reversed());
		return entries;
	}

	private CacheEntry describe(EntryFile file) {
		String key = null;
		Instant created = null;
		try (FileChannel channel = NoFollow.openForReading(file.path())) {
			EntryCodec.Header header = EntryCodec.readHeader(channel);
			key = header.key();
			created = header.created();
		}
		catch (IOException | EntryCodec.CorruptEntryException ex) {
			// listed with what the file system knows; the entry is removed when next read
		}
		return new CacheEntry(file.namespace(), key, this.layout.relativeName(file.path()), file.size(), created,
				file.lastAccess());
	}

	/**
	 * Removes what has an entry's name but is not a regular file (a FIFO, whose opening
	 * would block; a link; a directory, if empty): it is not an entry, and never opened.
	 */
	private void removeNonEntry(Path file, BasicFileAttributes attributes) {
		String message = file + " is " + NoFollow.kind(attributes) + ", not an entry";
		if (this.options.readOnly()) {
			this.faults.record(CacheFault.Kind.READ, message + "; left in place because the cache is read-only", null);
			return;
		}
		try {
			Files.delete(file);
			this.faults.record(CacheFault.Kind.READ, message + "; removed", null);
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.READ, message + "; could not remove it", ex);
		}
	}

	private void touch(Path file) {
		try {
			NoFollow.setLastModifiedTime(file, this.options.clock().instant());
		}
		catch (NoSuchFileException ex) {
			// evicted by another process after we read it
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.TOUCH, "Could not refresh the last access of " + file, ex);
		}
	}

}
