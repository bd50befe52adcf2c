package io.github.chicorycache.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.github.chicorycache.CacheEntry;
import io.github.chicorycache.CacheFault;

import io.github.chicorycache.CacheKey;
import io.github.chicorycache.CacheLimits;
import io.github.chicorycache.CacheStats;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CleanupResult;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.CompilerStats;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.EvictionCause;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@link Endpoint @Endpoint} to inspect and manage the Chicory compile cache.
 * <p>
 * Keys in paths may use the file-safe form ({@code sha-256:KRgy...pb-w}, URL-safe base64
 * without padding) or the raw form, URL-encoded or as it is: a {@code /} of a raw digest
 * may be written as such, since servlet containers refuse {@code %2F} in paths by
 * default. Every key and namespace is validated, so no input can reach a file outside the
 * cache directory.
 *
 * @author chicory-cache
 */
@Endpoint(id = "chicorycache")
public class ChicoryCacheEndpoint {

	/**
	 * Path segment that lists entries instead of naming one.
	 */
	static final String ENTRIES = "entries";

	static final int DEFAULT_LIMIT = 100;

	static final int MAX_LIMIT = 10_000;

	private final ChicoryCompiler compiler;

	private final @Nullable DirectoryCache cache;

	/**
	 * The cache's statistics at the last {@code reset-stats}: the core's counters only
	 * grow (meters read them), so the endpoint shows the difference.
	 */
	private volatile CacheStats statsBaseline = CacheStats.ZERO;

	public ChicoryCacheEndpoint(ChicoryCompiler compiler, @Nullable DirectoryCache cache) {
		this.compiler = compiler;
		this.cache = cache;
	}

	@ReadOperation
	public CacheReport report() {
		CompilerStats compilerStats = this.compiler.stats();
		Map<String, SourceReport> compilations = new LinkedHashMap<>();
		for (CompilationSource source : CompilationSource.values()) {
			compilations.put(lower(source),
					new SourceReport(compilerStats.compilations(source), compilerStats.time(source).toMillis()));
		}
		Duration saved = compilerStats.timeSaved();
		CompilerReport compilerReport = new CompilerReport(compilations, compilerStats.recovered(),
				compilerStats.failures(), compilerStats.memoryEntries(), compilerStats.memoryBytes(),
				(saved != null) ? saved.toMillis() : null, compilerStats.faults(),
				FaultReport.of(compilerStats.lastFault()));
		DirectoryCache cache = this.cache;
		if (cache == null) {
			return new CacheReport(null, this.compiler.namespace(), this.compiler.chicoryVersion(),
					this.compiler.cache() != null, false, false, null, null, null, null, compilerReport);
		}
		CacheStats baseline = this.statsBaseline;
		CacheStats stats = cache.stats().minus(baseline);
		CacheLimits limits = cache.limits();
		LimitsReport limitsReport = new LimitsReport(limits.maxSizeBytes(),
				(limits.maxEntries() != Long.MAX_VALUE) ? limits.maxEntries() : null,
				(limits.maxAge() != null) ? limits.maxAge().toString() : null);
		Map<String, Long> evictions = new LinkedHashMap<>();
		for (EvictionCause cause : EvictionCause.values()) {
			evictions.put(lower(cause), stats.evictions(cause));
		}
		StatsReport statsReport = new StatsReport(stats.entryCount(), stats.totalBytes(), stats.hits(), stats.misses(),
				stats.hitRatio(), stats.puts(), stats.putFailures(), evictions, stats.corruptEntries(),
				stats.bytesRead(), stats.bytesWritten(), stats.faults());
		return new CacheReport(cache.root().toString(), this.compiler.namespace(), this.compiler.chicoryVersion(), true,
				cache.isReadOnly(), cache.isWritable(), limitsReport, statsReport,
				CleanupReport.of(stats.lastCleanup()), FaultReport.of((stats.faults() > 0) ? stats.lastFault() : null),
				compilerReport);
	}

	@ReadOperation
	public WebEndpointResponse<OperationResponseBody> entry(@Selector(match = Match.ALL_REMAINING) String[] path,
			@Nullable Integer limit, @Nullable String namespace) {
		DirectoryCache cache = this.cache;
		if (cache == null) {
			return notFound("No directory cache is configured");
		}
		String key = key(path);
		if (ENTRIES.equals(key)) {
			return entries(cache, limit);
		}
		try {
			DirectoryCache.Namespace view = cache
				.namespace((namespace != null) ? namespace : this.compiler.namespace());
			Optional<CacheEntry> entry = view.entry(key);
			return entry
				.<WebEndpointResponse<OperationResponseBody>>map(
						(found) -> new WebEndpointResponse<>(EntryReport.of(found), WebEndpointResponse.STATUS_OK))
				.orElseGet(() -> notFound("No entry for " + key + " in namespace " + view.name()));
		}
		catch (IllegalArgumentException ex) {
			return badRequest(ex.getMessage());
		}
	}

	@DeleteOperation
	public WebEndpointResponse<OperationResponseBody> clear() {
		DirectoryCache cache = this.cache;
		if (cache == null) {
			return notFound("No directory cache is configured");
		}
		try {
			CleanupResult result = cache.clear();
			this.compiler.clearMemory();
			return new WebEndpointResponse<>(new ClearReport(result.evictedTotal(), result.bytesFreed()),
					WebEndpointResponse.STATUS_OK);
		}
		catch (IllegalStateException ex) {
			return conflict(ex.getMessage());
		}
	}

	@DeleteOperation
	public WebEndpointResponse<OperationResponseBody> evict(@Selector(match = Match.ALL_REMAINING) String[] path,
			@Nullable String namespace) {
		DirectoryCache cache = this.cache;
		if (cache == null) {
			return notFound("No directory cache is configured");
		}
		String key = key(path);
		try {
			DirectoryCache.Namespace view = cache
				.namespace((namespace != null) ? namespace : this.compiler.namespace());
			Optional<CacheEntry> entry = view.entry(key);
			if (entry.isEmpty() || !view.evict(key)) {
				return notFound("No entry for " + key + " in namespace " + view.name());
			}
			this.compiler.clearMemory();
			return new WebEndpointResponse<>(new ClearReport(1, entry.get().sizeBytes()),
					WebEndpointResponse.STATUS_OK);
		}
		catch (IllegalArgumentException ex) {
			return badRequest(ex.getMessage());
		}
		catch (IllegalStateException ex) {
			return conflict(ex.getMessage());
		}
	}

	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> action(String action) {
		DirectoryCache cache = this.cache;
		if (cache == null) {
			return notFound("No directory cache is configured");
		}
		return switch (action.trim().toLowerCase(Locale.ROOT)) {
			case "cleanup" -> {
				CleanupResult result = cache.cleanup();
				yield new WebEndpointResponse<>(CleanupReport.of(result), WebEndpointResponse.STATUS_OK);
			}
			case "reset-stats" -> {
				this.statsBaseline = cache.stats();
				yield new WebEndpointResponse<>(new MessageReport("Statistics reset"), WebEndpointResponse.STATUS_OK);
			}
			default -> badRequest("Unknown action '" + action + "'; use 'cleanup' or 'reset-stats'");
		};
	}

	private WebEndpointResponse<OperationResponseBody> entries(DirectoryCache cache, @Nullable Integer limit) {
		int effective = (limit != null) ? limit : DEFAULT_LIMIT;
		if (effective < 1 || effective > MAX_LIMIT) {
			return badRequest("limit must be between 1 and " + MAX_LIMIT);
		}
		List<CacheEntry> all = cache.entries();
		List<EntryReport> entries = all.stream().limit(effective).map(EntryReport::of).toList();
		return new WebEndpointResponse<>(new EntriesReport(all.size(), entries), WebEndpointResponse.STATUS_OK);
	}

	/**
	 * Joins the path segments after the endpoint's path into a key: a raw key's digest
	 * may contain {@code /}, which servers refuse URL-encoded ({@code %2F}) by default,
	 * so it is accepted as a path separator. The key is validated afterwards like any
	 * other.
	 */
	private static String key(String[] path) {
		return String.join("/", path);
	}

	private static WebEndpointResponse<OperationResponseBody> notFound(String message) {
		return new WebEndpointResponse<>(new MessageReport(message), WebEndpointResponse.STATUS_NOT_FOUND);
	}

	private static WebEndpointResponse<OperationResponseBody> badRequest(@Nullable String message) {
		return new WebEndpointResponse<>(new MessageReport(String.valueOf(message)),
				WebEndpointResponse.STATUS_BAD_REQUEST);
	}

	private static WebEndpointResponse<OperationResponseBody> conflict(@Nullable String message) {
		return new WebEndpointResponse<>(new MessageReport(String.valueOf(message)), 409);
	}

	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

	private static @Nullable String text(@Nullable Instant instant) {
		return (instant != null) ? instant.toString() : null;
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
	 * @param limits the limits
	 * @param stats the cache statistics
	 * @param lastCleanup the last cleanup pass
	 * @param lastFault the last absorbed failure
	 * @param compiler the compiler statistics
	 */
	public record CacheReport(@Nullable String directory, String namespace, String chicoryVersion, boolean enabled,
			boolean readOnly, boolean writable, @Nullable LimitsReport limits, @Nullable StatsReport stats,
			@Nullable CleanupReport lastCleanup, @Nullable FaultReport lastFault,
			CompilerReport compiler) implements OperationResponseBody {

	}

	/**
	 * The limits of the cache.
	 *
	 * @param maxSizeBytes the maximum size
	 * @param maxEntries the maximum number of entries, {@code null} if unlimited
	 * @param maxAge the maximum age (ISO-8601), {@code null} if unlimited
	 */
	public record LimitsReport(long maxSizeBytes, @Nullable Long maxEntries, @Nullable String maxAge) {

	}

	/**
	 * The statistics of the cache.
	 *
	 * @param entries entries in the directory
	 * @param sizeBytes bytes in the directory
	 * @param hits hits
	 * @param misses misses
	 * @param hitRatio hits over gets
	 * @param puts entries stored
	 * @param putFailures stores that failed
	 * @param evictions evictions by cause
	 * @param corruptEntries damaged entries found
	 * @param bytesRead bytes returned by hits
	 * @param bytesWritten bytes written
	 * @param faults absorbed I/O failures
	 */
	public record StatsReport(long entries, long sizeBytes, long hits, long misses, double hitRatio, long puts,
			long putFailures, Map<String, Long> evictions, long corruptEntries, long bytesRead, long bytesWritten,
			long faults) {

	}

	/**
	 * Compilations by source.
	 *
	 * @param compilations count and time by source
	 * @param recovered damaged entries replaced by a fresh compilation
	 * @param failures modules that could not be compiled
	 * @param memoryEntries compiled modules held for reuse in this JVM
	 * @param memoryBytes size of those
	 * @param timeSavedMillis estimated compile time saved, {@code null} before the first
	 * compilation
	 * @param faults cache failures the compiler absorbed
	 * @param lastFault the last of those
	 */
	public record CompilerReport(Map<String, SourceReport> compilations, long recovered, long failures,
			long memoryEntries, long memoryBytes, @Nullable Long timeSavedMillis, long faults,
			@Nullable FaultReport lastFault) {

	}

	/**
	 * Compilations from one source.
	 *
	 * @param count number of compilations
	 * @param timeMillis total time
	 */
	public record SourceReport(long count, long timeMillis) {

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
	public record CleanupReport(String startedAt, long durationMillis, long entriesBefore, long bytesBefore,
			Map<String, Long> evicted, long bytesFreed, long tempFilesDeleted, long entriesAfter,
			long bytesAfter) implements OperationResponseBody {

		static @Nullable CleanupReport of(@Nullable CleanupResult result) {
			if (result == null) {
				return null;
			}
			Map<String, Long> evicted = new LinkedHashMap<>();
			result.evicted().forEach((cause, count) -> evicted.put(lower(cause), count));
			return new CleanupReport(result.startedAt().toString(), result.duration().toMillis(),
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
	public record FaultReport(String kind, String message, String time) {

		static @Nullable FaultReport of(@Nullable CacheFault fault) {
			return (fault != null) ? new FaultReport(lower(fault.kind()), fault.message(), fault.time().toString())
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
	 * @param created when it was stored
	 * @param lastAccess when it was last used by any process
	 */
	public record EntryReport(@Nullable String key, @Nullable String id, String namespace, String path, long sizeBytes,
			@Nullable String created, String lastAccess) implements OperationResponseBody {

		static EntryReport of(CacheEntry entry) {
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
			return new EntryReport(key, id, entry.namespace(), entry.path(), entry.sizeBytes(), text(entry.created()),
					entry.lastAccess().toString());
		}

	}

	/**
	 * Entries, most recently used first.
	 *
	 * @param total the number of entries in the cache
	 * @param entries the first entries, up to the limit
	 */
	public record EntriesReport(int total, List<EntryReport> entries) implements OperationResponseBody {

	}

	/**
	 * What a delete removed.
	 *
	 * @param removedEntries entries removed
	 * @param removedBytes bytes freed
	 */
	public record ClearReport(long removedEntries, long removedBytes) implements OperationResponseBody {

	}

	/**
	 * A message.
	 *
	 * @param message the message
	 */
	public record MessageReport(String message) implements OperationResponseBody {

	}

}
