package io.github.chicorycache.directory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.github.chicorycache.CacheLimits;
import io.github.chicorycache.EvictionCause;

/**
 * Decides which entries a cleanup pass evicts, as a pure function of the entries found,
 * the limits and the time: first every entry unused for longer than the maximum age;
 * then, if a limit is still exceeded, the least recently used entries until the cache is
 * at {@value #TRIM_TARGET} of the limit (so that the next puts do not trigger another
 * pass at once), keeping the most recently used entry if it fits the limits on its own.
 */
final class EvictionPlanner {

	/**
	 * Fraction of a limit that a trim goes down to.
	 */
	static final double TRIM_TARGET = 0.9;

	private EvictionPlanner() {
	}

	/**
	 * Plans the evictions of a pass.
	 * @param entries the entries found
	 * @param otherBytes bytes that count toward the size limit but cannot be evicted (the
	 * temporary files left until they are swept)
	 * @param limits the limits
	 * @param now the time of the pass
	 * @return the evictions, in the order to carry them out
	 */
	static List<Eviction> plan(List<EntryFile> entries, long otherBytes, CacheLimits limits, Instant now) {
		List<EntryFile> byLastAccess = new ArrayList<>(entries);
		byLastAccess.sort(Comparator.comparing(EntryFile::lastAccess));
		List<Eviction> evictions = new ArrayList<>();
		List<EntryFile> kept = new ArrayList<>(byLastAccess.size());
		long count = byLastAccess.size();
		long bytes = otherBytes + byLastAccess.stream().mapToLong(EntryFile::size).sum();
		Duration maxAge = limits.maxAge();
		Instant cutoff = (maxAge != null) ? now.minus(maxAge) : null;
		for (EntryFile entry : byLastAccess) {
			if (cutoff == null || !entry.lastAccess().isBefore(cutoff)) {
				kept.add(entry);
				continue;
			}
			evictions.add(new Eviction(entry, EvictionCause.AGE));
			count--;
			bytes -= entry.size();
		}
		if (!exceeded(limits, count, bytes)) {
			return evictions;
		}
		long targetCount = trimmedEntries(limits);
		long targetBytes = trimmedSize(limits);
		int mostRecent = kept.size() - 1;
		for (int i = 0; i <= mostRecent && (count > targetCount || bytes > targetBytes); i++) {
			EntryFile entry = kept.get(i);
			if (i == mostRecent && entry.size() <= limits.maxSizeBytes()) {
				// Keep the entry used last if it fits on its own (with a limit of 1
				// entry, the target would be 0).
				break;
			}
			evictions.add(new Eviction(entry, (count > targetCount) ? EvictionCause.COUNT : EvictionCause.SIZE));
			count--;
			bytes -= entry.size();
		}
		return evictions;
	}

	/**
	 * Returns whether a cache of this many entries and bytes is over a limit.
	 * @param limits the limits
	 * @param entries the number of entries
	 * @param bytes the total size
	 * @return whether a limit is exceeded
	 */
	static boolean exceeded(CacheLimits limits, long entries, long bytes) {
		return entries > limits.maxEntries() || bytes > limits.maxSizeBytes();
	}

	static long trimmedSize(CacheLimits limits) {
		return (long) (limits.maxSizeBytes() * TRIM_TARGET);
	}

	static long trimmedEntries(CacheLimits limits) {
		return (limits.maxEntries() == Long.MAX_VALUE) ? Long.MAX_VALUE : (long) (limits.maxEntries() * TRIM_TARGET);
	}

	/**
	 * One planned eviction.
	 *
	 * @param entry the entry to evict
	 * @param cause why
	 */
	record Eviction(EntryFile entry, EvictionCause cause) {

	}

}
