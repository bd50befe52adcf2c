package io.github.chicorycache.autoconfigure.endpoint;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import io.github.chicorycache.CacheEntry;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.CacheLimits;
import io.github.chicorycache.CacheStats;
import io.github.chicorycache.CleanupResult;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.CompilerStats;
import io.github.chicorycache.EvictionCause;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * The descriptors that {@link ChicoryCacheEndpoint} returns, serialized as JSON by
 * Actuator. Timestamps are ISO-8601 instants with millisecond precision.
 */
public final class ChicoryCacheDescriptors {

	/**
	 * Every timestamp the endpoint shows: always three fraction digits, so that all of
	 * them read and sort alike.
	 */
	private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

	private ChicoryCacheDescriptors() {
	}

	static String timestamp(Instant instant) {
		return TIMESTAMP.format(instant);
	}

	static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The state of the cache and the compiler.
	 *
	 * @param directory the cache directory, or {@code null} without a directory cache
	 * @param namespace the namespace of this application's entries
	 * @param chicoryVersion the Chicory compiler version
	 * @param enabled whether compiled modules are stored
	 * @param readOnly whether the cache only reads
	 * @param writable whether the cache can currently store entries
	 * @param limits the limits, {@code null} without a directory cache
	 * @param stats the cache statistics, {@code null} without a directory cache
	 * @param lastCleanup the last cleanup pass, {@code null} if none completed
	 * @param lastFault the last absorbed failure, {@code null} if none happened
	 * @param compiler the compiler statistics
	 * @param remote the remote tier behind the directory cache, {@code null} without one
	 */
	public record CacheDescriptor(@Nullable String directory, String namespace, String chicoryVersion, boolean enabled,
			boolean readOnly, boolean writable, @Nullable LimitsDescriptor limits, @Nullable StatsDescriptor stats,
			@Nullable CleanupDescriptor lastCleanup, @Nullable FaultDescriptor lastFault, CompilerDescriptor compiler,
			@Nullable RemoteDescriptor remote) implements OperationResponseBody {

	}

	/**
	 * A remote tier behind the directory cache (the Redis tier of a fleet), as its
	 * {@link RemoteTierReporter} describes it: counters since it started (or since the
	 * last {@code reset-stats} in the endpoint's report) and its state.
	 *
	 * @param endpoint where the tier's server is, never with credentials
	 * @param publishing whether this instance publishes entries ({@code false}:
	 * verify-only)
	 * @param breaker the circuit breaker: {@code closed}, {@code open} (the server is
	 * skipped) or {@code half_open}
	 * @param hits lookups answered with a verified entry
	 * @param misses lookups not answered
	 * @param puts entries published
	 * @param rejected entries refused by verification (forged, altered, moved, unknown
	 * key)
	 * @param droppedPublishes publishes given up (queue full, server unavailable)
	 * @param fleetWaits lookups that waited for another instance compiling the module
	 * @param faults failures absorbed
	 * @param lastFault the last absorbed failure, {@code null} if none happened
	 */
	public record RemoteDescriptor(String endpoint, boolean publishing, String breaker, long hits, long misses,
			long puts, long rejected, long droppedPublishes, long fleetWaits, long faults,
			@Nullable FaultDescriptor lastFault) {

		/**
		 * Creates a descriptor.
		 * @param endpoint where the tier's server is, without credentials
		 * @param publishing whether this instance publishes entries
		 * @param breaker the circuit breaker's state
		 * @param hits lookups answered
		 * @param misses lookups not answered
		 * @param puts entries published
		 * @param rejected entries refused by verification
		 * @param droppedPublishes publishes given up
		 * @param fleetWaits lookups that waited for another instance
		 * @param faults failures absorbed
		 * @param lastFault the last absorbed failure, or {@code null}
		 * @return the descriptor
		 */
		public static RemoteDescriptor of(String endpoint, boolean publishing, Enum<?> breaker, long hits, long misses,
				long puts, long rejected, long droppedPublishes, long fleetWaits, long faults,
				@Nullable CacheFault lastFault) {
			return new RemoteDescriptor(endpoint, publishing, lower(breaker), hits, misses, puts, rejected,
					droppedPublishes, fleetWaits, faults, FaultDescriptor.of(lastFault));
		}

		RemoteDescriptor minus(RemoteDescriptor earlier) {
			// As for the directory cache: a fault before the reset is not shown after it.
			long faults = sub(this.faults, earlier.faults);
			return new RemoteDescriptor(this.endpoint, this.publishing, this.breaker, sub(this.hits, earlier.hits),
					sub(this.misses, earlier.misses), sub(this.puts, earlier.puts),
					sub(this.rejected, earlier.rejected), sub(this.droppedPublishes, earlier.droppedPublishes),
					sub(this.fleetWaits, earlier.fleetWaits), faults, (faults > 0) ? this.lastFault : null);
		}

		private static long sub(long a, long b) {
			return Math.max(0, a - b);
		}

	}

	/**
	 * The limits of the cache.
	 *
	 * @param maxSizeBytes the maximum size
	 * @param maxEntries the maximum number of entries, {@code null} if unlimited
	 * @param maxAge the maximum age (ISO-8601), {@code null} if unlimited
	 */
	public record LimitsDescriptor(long maxSizeBytes, @Nullable Long maxEntries, @Nullable String maxAge) {

		static LimitsDescriptor of(CacheLimits limits) {
			return new LimitsDescriptor(limits.maxSizeBytes(),
					(limits.maxEntries() != Long.MAX_VALUE) ? limits.maxEntries() : null,
					(limits.maxAge() != null) ? limits.maxAge().toString() : null);
		}

	}

	/**
	 * The statistics of the cache since it opened or since the last {@code reset-stats}.
	 *
	 * @param entries entries in the directory
	 * @param sizeBytes bytes in the directory
	 * @param hits hits
	 * @param misses misses
	 * @param hitRatio hits over gets, {@code null} before the first get
	 * @param puts entries stored
	 * @param putFailures stores that failed
	 * @param evictions evictions by cause
	 * @param corruptEntries damaged entries found
	 * @param bytesRead bytes returned by hits
	 * @param bytesWritten bytes written
	 * @param faults absorbed I/O failures
	 */
	public record StatsDescriptor(long entries, long sizeBytes, long hits, long misses,
			@JsonInclude(Include.ALWAYS) @Nullable Double hitRatio, long puts, long putFailures,
			Map<String, Long> evictions, long corruptEntries, long bytesRead, long bytesWritten, long faults) {

		static StatsDescriptor of(CacheStats stats) {
			Map<String, Long> evictions = new LinkedHashMap<>();
			for (EvictionCause cause : EvictionCause.values()) {
				evictions.put(lower(cause), stats.evictions(cause));
			}
			long gets = stats.hits() + stats.misses();
			return new StatsDescriptor(stats.entryCount(), stats.totalBytes(), stats.hits(), stats.misses(),
					(gets != 0) ? (double) stats.hits() / gets : null, stats.puts(), stats.putFailures(), evictions,
					stats.corruptEntries(), stats.bytesRead(), stats.bytesWritten(), stats.faults());
		}

	}

	/**
	 * The compiler's statistics in this JVM.
	 *
	 * @param compilations count and time by source
	 * @param recovered damaged entries replaced by a fresh compilation
	 * @param failures modules that could not be compiled
	 * @param memoryEntries compiled modules held for reuse in this JVM
	 * @param memoryBytes size of those
	 * @param timeSavedMillis estimated compile time saved, {@code null} before the first
	 * compilation
	 * @param faults cache failures the compiler absorbed
	 * @param lastFault the last of those, {@code null} if none happened
	 * @param droppedStores compiled modules not stored because the store queue was full
	 */
	public record CompilerDescriptor(Map<String, SourceDescriptor> compilations, long recovered, long failures,
			long memoryEntries, long memoryBytes, @JsonInclude(Include.ALWAYS) @Nullable Long timeSavedMillis,
			long faults, @Nullable FaultDescriptor lastFault, long droppedStores) {

		static CompilerDescriptor of(CompilerStats stats) {
			Map<String, SourceDescriptor> compilations = new LinkedHashMap<>();
			for (CompilationSource source : CompilationSource.values()) {
				compilations.put(lower(source),
						new SourceDescriptor(stats.compilations(source), stats.time(source).toMillis()));
			}
			return new CompilerDescriptor(compilations, stats.recovered(), stats.failures(), stats.memoryEntries(),
					stats.memoryBytes(), (stats.timeSaved() != null) ? stats.timeSaved().toMillis() : null,
					stats.faults(), FaultDescriptor.of(stats.lastFault()), stats.droppedStores());
		}

	}

	/**
	 * Compilations from one source.
	 *
	 * @param count number of compilations
	 * @param timeMillis total time
	 */
	public record SourceDescriptor(long count, long timeMillis) {

	}

	/**
	 * A cleanup pass.
	 *
	 * @param startedAt start time
	 * @param durationMillis duration
	 * @param entriesBefore entries found
	 * @param bytesBefore bytes found
	 * @param evicted evictions by cause
	 * @param bytesFreed bytes freed
	 * @param tempFilesDeleted orphan temporary files deleted
	 * @param entriesAfter entries left
	 * @param bytesAfter bytes left
	 */
	public record CleanupDescriptor(String startedAt, long durationMillis, long entriesBefore, long bytesBefore,
			Map<String, Long> evicted, long bytesFreed, long tempFilesDeleted, long entriesAfter,
			long bytesAfter) implements OperationResponseBody {

		static @Nullable CleanupDescriptor of(@Nullable CleanupResult result) {
			if (result == null) {
				return null;
			}
			Map<String, Long> evicted = new LinkedHashMap<>();
			result.evicted().forEach((cause, count) -> evicted.put(lower(cause), count));
			return new CleanupDescriptor(timestamp(result.startedAt()), result.duration().toMillis(),
					result.entriesBefore(), result.bytesBefore(), evicted, result.bytesFreed(),
					result.tempFilesDeleted(), result.entriesAfter(), result.bytesAfter());
		}

	}

	/**
	 * An absorbed failure.
	 *
	 * @param kind what the cache was doing
	 * @param message what happened
	 * @param time when
	 */
	public record FaultDescriptor(String kind, String message, String time) {

		static @Nullable FaultDescriptor of(@Nullable CacheFault fault) {
			return (fault != null) ? new FaultDescriptor(lower(fault.kind()), fault.message(), timestamp(fault.time()))
					: null;
		}

	}

	/**
	 * One cache entry.
	 *
	 * @param key the key, {@code null} if the entry's header is unreadable
	 * @param id the key in file-safe form, for use in URLs
	 * @param namespace the namespace
	 * @param path the path relative to the cache directory
	 * @param sizeBytes the file size
	 * @param created when it was stored, {@code null} if the entry's header is unreadable
	 * @param lastAccess when it was last used by any process
	 */
	public record EntryDescriptor(@Nullable String key, @Nullable String id, String namespace, String path,
			long sizeBytes, @Nullable String created, String lastAccess) implements OperationResponseBody {

		static EntryDescriptor of(CacheEntry entry) {
			String key = entry.key();
			String id = null;
			if (key != null) {
				try {
					id = CacheKey.parse(key).fileSafe();
				}
				catch (IllegalArgumentException ex) {
					// a damaged header; the entry is removed when next read
				}
			}
			return new EntryDescriptor(key, id, entry.namespace(), entry.path(), entry.sizeBytes(),
					(entry.created() != null) ? timestamp(entry.created()) : null, timestamp(entry.lastAccess()));
		}

	}

	/**
	 * Entries, most recently used first.
	 *
	 * @param total the number of entries in the cache
	 * @param entries the first entries, up to the limit
	 */
	public record EntriesDescriptor(int total, List<EntryDescriptor> entries) implements OperationResponseBody {

	}

	/**
	 * What a delete removed.
	 *
	 * @param removedEntries entries removed from the cache
	 * @param removedBytes bytes freed on disk, {@code null} without a directory cache
	 */
	public record RemovalDescriptor(long removedEntries, @Nullable Long removedBytes) implements OperationResponseBody {

	}

	/**
	 * A message.
	 *
	 * @param message the message
	 */
	public record MessageDescriptor(String message) implements OperationResponseBody {

	}

}
