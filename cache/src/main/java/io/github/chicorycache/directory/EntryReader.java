package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
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
 * Not API: the read path of a {@link io.github.chicorycache.DirectoryCache}. Verifies an
 * entry before returning its payload, removes a damaged one, refreshes the last access of
 * a hit, and never throws for an I/O failure (a failed read is a miss and a fault). Also
 * describes entries from their headers, for listings.
 */
public final class EntryReader {

	private final EntryLayout layout;

	private final boolean readOnly;

	private final Clock clock;

	private final DirectoryStatsCounter stats;

	private final FaultRecorder faults;

	private final EntryRemover remover;

	private final DirectoryScanner scanner;

	/**
	 * Creates the read path.
	 * @param layout the layout
	 * @param readOnly whether the cache only reads (then nothing is touched or removed)
	 * @param clock the clock of access times
	 * @param stats the statistics
	 * @param faults where failures are recorded
	 * @param remover removes damaged entries
	 */
	public EntryReader(EntryLayout layout, boolean readOnly, Clock clock, DirectoryStatsCounter stats,
			FaultRecorder faults, EntryRemover remover) {
		this.layout = layout;
		this.readOnly = readOnly;
		this.clock = clock;
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
		// The header is verified before the payload is read, so a damaged or foreign file
		// of any size (even larger than an array can hold) is a miss, not an error.
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			fileSize = channel.size();
			payload = EntryCodec.read(channel, key.value());
		}
		catch (NoSuchFileException ex) {
			this.stats.recordMiss();
			return null;
		}
		catch (EntryCodec.CorruptEntryException ex) {
			this.stats.recordMiss();
			this.stats.recordCorrupt();
			this.faults.record(CacheFault.Kind.CORRUPT, "Entry " + file + " is damaged (" + ex.getMessage() + ")"
					+ (this.readOnly ? "; left in place because the cache is read-only" : "; evicted"), null);
			if (!this.readOnly) {
				this.remover.delete(file, fileSize, EvictionCause.CORRUPT);
			}
			return null;
		}
		catch (IOException | RuntimeException ex) {
			this.stats.recordMiss();
			this.faults.record(CacheFault.Kind.READ, "Could not read " + file, ex);
			return null;
		}
		this.stats.recordHit(payload.length);
		if (!this.readOnly) {
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
			BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
			if (!attributes.isRegularFile()) {
				return Optional.empty();
			}
			return Optional.of(describe(
					new EntryFile(file, namespace, attributes.size(), attributes.lastModifiedTime().toInstant())));
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
		List<CacheEntry> entries = new ArrayList<>();
		for (EntryFile file : Objects.requireNonNull(this.scanner.scan(() -> false))) {
			entries.add(describe(file));
		}
		entries.sort(Comparator.comparing(CacheEntry::lastAccess).reversed());
		return entries;
	}

	private CacheEntry describe(EntryFile file) {
		String key = null;
		Instant created = null;
		try (FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ)) {
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

	private void touch(Path file) {
		try {
			Files.setLastModifiedTime(file, FileTime.from(this.clock.instant()));
		}
		catch (NoSuchFileException ex) {
			// evicted by another process after we read it
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.TOUCH, "Could not refresh the last access of " + file, ex);
		}
	}

}
