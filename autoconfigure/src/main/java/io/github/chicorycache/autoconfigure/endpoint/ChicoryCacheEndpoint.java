package io.github.chicorycache.autoconfigure.endpoint;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.github.chicorycache.CacheEntry;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.CacheStats;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CleanupResult;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.CacheDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.CleanupDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.CompilerDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.EntriesDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.EntryDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.FaultDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.LimitsDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.MessageDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.RemoteDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.RemovalDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.StatsDescriptor;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@link Endpoint @Endpoint} to inspect and manage the Chicory compile cache. Returns
 * descriptors, or {@code null} for an entry that does not exist; invalid input is an
 * {@link InvalidEndpointRequestException}. Over HTTP, the
 * {@link ChicoryCacheEndpointWebExtension} decides the statuses.
 * <p>
 * Keys may use the file-safe form ({@code sha-256:KRgy...pb-w}, URL-safe base64 without
 * padding) or the raw form; the segments of a raw digest's {@code /} are joined again.
 * Every key and namespace is validated, so no input can reach a file outside the cache
 * directory.
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

	private final @Nullable RemoteTierReporter remote;

	/**
	 * The remote tier's counters at the last {@code reset-stats}.
	 */
	private volatile @Nullable RemoteDescriptor remoteBaseline;

	/**
	 * Creates an endpoint.
	 * @param compiler the compiler
	 * @param cache the directory cache whose entries the endpoint lists and whose
	 * statistics it shows, {@code null} if there is none (disabled, or a cache of the
	 * application's own)
	 */
	public ChicoryCacheEndpoint(ChicoryCompiler compiler, @Nullable DirectoryCache cache) {
		this(compiler, cache, null);
	}

	/**
	 * Creates an endpoint that also shows a remote tier behind the directory cache.
	 * @param compiler the compiler
	 * @param cache the directory cache, {@code null} if there is none
	 * @param remote the remote tier's reporter, {@code null} if there is none
	 */
	public ChicoryCacheEndpoint(ChicoryCompiler compiler, @Nullable DirectoryCache cache,
			@Nullable RemoteTierReporter remote) {
		this.compiler = compiler;
		this.cache = cache;
		this.remote = remote;
	}

	/**
	 * Describes the cache and the compiler.
	 * @return the description
	 */
	@ReadOperation
	public CacheDescriptor report() {
		CompilerDescriptor compiler = CompilerDescriptor.of(this.compiler.stats());
		DirectoryCache cache = this.cache;
		if (cache == null) {
			return new CacheDescriptor(null, this.compiler.namespace(), this.compiler.chicoryVersion(),
					this.compiler.cache() != null, false, false, null, null, null, null, compiler, remote());
		}
		CacheStats stats = cache.stats().minus(this.statsBaseline);
		return new CacheDescriptor(cache.root().toString(), this.compiler.namespace(), this.compiler.chicoryVersion(),
				true, cache.isReadOnly(), cache.isWritable(), LimitsDescriptor.of(cache.limits()),
				StatsDescriptor.of(stats), CleanupDescriptor.of(stats.lastCleanup()),
				FaultDescriptor.of((stats.faults() > 0) ? stats.lastFault() : null), compiler, remote());
	}

	private @Nullable RemoteDescriptor remote() {
		RemoteTierReporter remote = this.remote;
		if (remote == null) {
			return null;
		}
		RemoteDescriptor baseline = this.remoteBaseline;
		RemoteDescriptor current = remote.describe();
		return (baseline != null) ? current.minus(baseline) : current;
	}

	/**
	 * Lists the entries ({@code entries}) or describes one.
	 * @param path {@code entries}, or the key (whose raw digest may be split at its
	 * {@code /})
	 * @param limit how many entries to list, 1 to 10000 (default 100)
	 * @param namespace the namespace of the entry, the compiler's by default
	 * @return an {@link EntriesDescriptor} or an {@link EntryDescriptor}, or {@code null}
	 * if there is no such entry
	 * @throws InvalidEndpointRequestException if the key, namespace or limit is invalid
	 */
	@ReadOperation
	public @Nullable OperationResponseBody entry(@Selector(match = Match.ALL_REMAINING) String[] path,
			@Nullable Integer limit, @Nullable String namespace) {
		String key = key(path);
		return ENTRIES.equals(key) ? entries(limit) : findEntry(key, namespace);
	}

	/**
	 * Lists the entries of all namespaces, most recently used first; none without a
	 * directory cache.
	 * @param limit how many entries to list, 1 to 10000 (default 100)
	 * @return the entries
	 * @throws InvalidEndpointRequestException if the limit is out of range
	 */
	public EntriesDescriptor entries(@Nullable Integer limit) {
		int effective = (limit != null) ? limit : DEFAULT_LIMIT;
		if (effective < 1 || effective > MAX_LIMIT) {
			String message = "limit must be between 1 and " + MAX_LIMIT + ", was " + effective;
			throw new InvalidEndpointRequestException(message, message);
		}
		DirectoryCache cache = this.cache;
		if (cache == null) {
			return new EntriesDescriptor(0, List.of());
		}
		List<CacheEntry> all = cache.entries();
		return new EntriesDescriptor(all.size(), all.stream().limit(effective).map(EntryDescriptor::of).toList());
	}

	/**
	 * Describes the entry of a key.
	 * @param key the key, raw or file-safe
	 * @param namespace the namespace, the compiler's by default
	 * @return the entry, or {@code null} if there is none (always without a directory
	 * cache)
	 * @throws InvalidEndpointRequestException if the key or namespace is invalid
	 */
	public @Nullable EntryDescriptor findEntry(String key, @Nullable String namespace) {
		CacheKey parsed = parse(key);
		return find(parsed, namespace(namespace)).map(EntryDescriptor::of).orElse(null);
	}

	/**
	 * Removes every entry of the cache (all namespaces) and forgets the compiled modules
	 * held in this JVM, with {@link ChicoryCompiler#clear()}.
	 * @return what was removed
	 * @throws IllegalStateException if the cache cannot be written (read-only)
	 */
	@DeleteOperation
	public RemovalDescriptor clear() {
		DirectoryCache cache = this.cache;
		long bytesBefore = (cache != null) ? cache.stats().totalBytes() : 0;
		long removed = this.compiler.clear();
		Long bytesFreed = (cache != null) ? Math.max(0, bytesBefore - cache.stats().totalBytes()) : null;
		return new RemovalDescriptor(removed, bytesFreed);
	}

	/**
	 * Removes the entry of a key and, in the compiler's namespace, the module's compiled
	 * code held in this JVM, with {@link ChicoryCompiler#evict(String)}.
	 * @param path the key (whose raw digest may be split at its {@code /})
	 * @param namespace the namespace, the compiler's by default
	 * @return what was removed, or {@code null} if there was no such entry
	 * @throws InvalidEndpointRequestException if the key or namespace is invalid
	 * @throws IllegalStateException if the cache cannot be written (read-only)
	 */
	@DeleteOperation
	public @Nullable RemovalDescriptor evict(@Selector(match = Match.ALL_REMAINING) String[] path,
			@Nullable String namespace) {
		CacheKey key = parse(key(path));
		String name = namespace(namespace);
		Optional<CacheEntry> entry = find(key, name);
		boolean removed;
		if (name.equals(this.compiler.namespace())) {
			removed = this.compiler.evict(chicoryDigest(key));
		}
		else {
			DirectoryCache cache = this.cache;
			removed = cache != null && cache.namespace(name).evict(key.value());
		}
		return removed ? new RemovalDescriptor(1, entry.map(CacheEntry::sizeBytes).orElse(null)) : null;
	}

	/**
	 * Runs an action: {@code cleanup} (a cleanup pass now) or {@code reset-stats}
	 * (statistics shown from now on).
	 * @param action the action
	 * @return the cleanup pass or a message, or {@code null} for a cleanup without a
	 * directory cache
	 * @throws InvalidEndpointRequestException if the action is unknown
	 */
	@WriteOperation
	public @Nullable OperationResponseBody action(String action) {
		DirectoryCache cache = this.cache;
		return switch (action.trim().toLowerCase(Locale.ROOT)) {
			case "cleanup" -> {
				CleanupResult result = (cache != null) ? cache.cleanup() : null;
				yield CleanupDescriptor.of(result);
			}
			case "reset-stats" -> {
				this.statsBaseline = (cache != null) ? cache.stats() : CacheStats.ZERO;
				this.remoteBaseline = (this.remote != null) ? this.remote.describe() : null;
				yield new MessageDescriptor("Statistics reset");
			}
			default -> {
				String message = "Unknown action '" + action + "'; use 'cleanup' or 'reset-stats'";
				throw new InvalidEndpointRequestException(message, message);
			}
		};
	}

	/**
	 * Returns the namespace that a request means.
	 * @param namespace the requested namespace, or {@code null} for the compiler's
	 * @return the namespace
	 */
	String namespace(@Nullable String namespace) {
		return (namespace != null) ? namespace : this.compiler.namespace();
	}

	/**
	 * Explains why there is no directory cache, for messages.
	 * @return the reason, or {@code null} if there is a directory cache
	 */
	@Nullable String whyNoDirectoryCache() {
		if (this.cache != null) {
			return null;
		}
		return (this.compiler.cache() != null) ? "the application's own Cache is not a directory cache"
				: "compiled modules are not stored (chicory.cache.enabled=false)";
	}

	private Optional<CacheEntry> find(CacheKey key, String namespace) {
		DirectoryCache cache = this.cache;
		if (cache == null) {
			return Optional.empty();
		}
		try {
			return cache.namespace(namespace).entry(key.value());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), String.valueOf(ex.getMessage()));
		}
	}

	/**
	 * Joins the path segments after the endpoint's path into a key: a raw key's digest
	 * may contain {@code /}, which servers refuse URL-encoded ({@code %2F}) by default,
	 * so it is accepted as a path separator. The key is validated afterwards like any
	 * other.
	 */
	static String key(String[] path) {
		return String.join("/", path);
	}

	private static CacheKey parse(String key) {
		try {
			return CacheKey.parse(key);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), String.valueOf(ex.getMessage()));
		}
	}

	/**
	 * Returns a key the way Chicory writes a module digest (standard base64, padded),
	 * whatever form it was given in, since the compiler keeps modules in memory under
	 * that form.
	 */
	private static String chicoryDigest(CacheKey key) {
		try {
			byte[] digest = Base64.getUrlDecoder().decode(key.fileSafe().substring(key.algorithm().length() + 1));
			return key.algorithm() + ":" + Base64.getEncoder().encodeToString(digest);
		}
		catch (IllegalArgumentException ex) {
			// Not a whole number of bytes: no module has it, only the cache can.
			return key.value();
		}
	}

}
