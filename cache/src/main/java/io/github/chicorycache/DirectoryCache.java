package io.github.chicorycache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

import com.dylibso.chicory.compiler.Cache;
import io.github.chicorycache.directory.DirectoryOptions;
import io.github.chicorycache.directory.DirectoryStore;
import io.github.chicorycache.directory.EntryLayout;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import io.github.chicorycache.spi.NamespacedCache;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, self-healing, observable {@link Cache} that stores Chicory's compiled
 * modules as files in a directory.
 * <p>
 * A drop-in for upstream's experimental {@code DirectoryCache}: the key
 * {@code sha-256:KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb+w=} under root {@code /cache}
 * is stored at {@code /cache/sha-256/kr/gytkcm43c34ksqtA8gmddw4ycfquc2g0qfifcpb-w.jar}.
 * In addition: entries are published atomically, so threads and processes can share a
 * directory; every entry is verified (checksum, size) before it is returned, a damaged
 * one deleted, counted and a miss; size, entry-count and age limits are enforced, least
 * recently used first (a hit refreshes the file's modification time); nothing below the
 * root is followed if it is a link, and only regular files are opened; I/O failures never
 * break a compilation (a failed get is a miss, a failed put a no-op, both counted and
 * logged once per kind; only invalid keys throw).
 * <p>
 * A cleanup pass runs in the background shortly after the cache opens
 * ({@link Builder#withCleanupOnOpenDelay(Duration)}) and whenever a put crosses a limit;
 * periodic passes are up to the owner of the cache. {@link #close()} stops the background
 * work. A facade over {@code io.github.chicorycache.directory}.
 */
public final class DirectoryCache implements NamespacedCache, AutoCloseable {

	/**
	 * Name of the directory, under the root, that holds temporary files.
	 */
	public static final String TEMP_DIRECTORY = EntryLayout.TEMP_DIRECTORY;

	/**
	 * Default delay of the cleanup pass of a cache that opens, when it runs on the
	 * cache's own thread: long enough to stay out of the way of the process's start.
	 */
	public static final Duration DEFAULT_CLEANUP_ON_OPEN_DELAY = Duration.ofSeconds(5);

	/**
	 * Default age after which a temporary file is the orphan of a crashed writer.
	 */
	public static final Duration DEFAULT_TEMP_FILE_MAX_AGE = Duration.ofHours(1);

	/**
	 * Default maximum size of one entry file: 256 MiB, far above any compiled module.
	 */
	public static final long DEFAULT_MAX_ENTRY_SIZE_BYTES = 256L * 1024 * 1024;

	private final DirectoryStore store;

	/**
	 * Creates a cache in the given directory with default options, as upstream's
	 * {@code DirectoryCache} does.
	 * @param root the cache directory, created (owner-only) if it does not exist
	 * @throws CacheDirectoryException if the root is not a directory or is writable by
	 * group or others
	 */
	public DirectoryCache(Path root) {
		this(builder(root));
	}

	private DirectoryCache(Builder builder) {
		DirectoryOptions options = new DirectoryOptions(builder.limits, builder.maxEntrySizeBytes,
				builder.tempFileMaxAge, builder.readOnly, builder.clock);
		this.store = DirectoryStore.open(builder.root, options, builder.allowSharedDirectory, builder.executor,
				builder.cleanupOnOpen ? builder.cleanupOnOpenDelay : null,
				new FaultRecorder(builder.clock, DirectoryCache.class));
	}

	/**
	 * Returns a builder for a cache in the given directory.
	 * @param root the cache directory
	 * @return the builder
	 */
	public static Builder builder(Path root) {
		return new Builder(root);
	}

	/**
	 * Returns the root directory: its real path, resolved when the cache opened.
	 * @return the root
	 */
	public Path root() {
		return this.store.layout().root();
	}

	/**
	 * Returns the limits.
	 * @return the limits
	 */
	public CacheLimits limits() {
		return this.store.options().limits();
	}

	/**
	 * Returns whether the cache only reads.
	 * @return whether the cache is read-only
	 */
	public boolean isReadOnly() {
		return this.store.options().readOnly();
	}

	/**
	 * Returns whether the cache can currently store entries: it is not read-only and its
	 * root is a writable directory.
	 * @return whether the cache is writable
	 */
	public boolean isWritable() {
		return !isReadOnly() && Files.isDirectory(root()) && Files.isWritable(root());
	}

	/**
	 * Returns a view of this cache whose entries live in {@code <root>/<name>/}, apart
	 * from others (for example, those of other compiler versions) but sharing the limits,
	 * statistics and cleanup of this cache.
	 * @param name the namespace, {@code [a-z0-9][a-z0-9._+-]*}
	 * @return the namespaced view
	 */
	@Override
	public Namespace namespace(String name) {
		return new Namespace(this, EntryLayout.validateNamespace(name));
	}

	@Override
	public byte @Nullable [] get(String key) {
		return this.store.reader().get("", CacheKey.parse(key));
	}

	@Override
	public void putIfAbsent(String key, byte[] data) {
		this.store.writer().putIfAbsent("", CacheKey.parse(key), data);
	}

	/**
	 * Applies the limits now: deletes orphan temporary files, evicts entries unused for
	 * longer than the maximum age, then, while a limit is exceeded, the least recently
	 * used down to 90% of it; sets the statistics to what is on disk (in read-only mode,
	 * only that). Passes never overlap in one process; across processes they may, safely.
	 * @return what the pass did
	 */
	public CleanupResult cleanup() {
		return this.store.cleanup().runNow();
	}

	/**
	 * Lists all entries of all namespaces, most recently used first. Reads each entry's
	 * header, not its content.
	 * @return the entries
	 */
	public List<CacheEntry> entries() {
		return this.store.reader().entries();
	}

	/**
	 * Describes the entry of a key in the root namespace.
	 * @param key the key
	 * @return the entry, if present
	 * @throws IllegalArgumentException if the key is invalid
	 */
	public Optional<CacheEntry> entry(String key) {
		return this.store.reader().entry("", CacheKey.parse(key));
	}

	/**
	 * Evicts the entry of a key in the root namespace.
	 * @param key the key
	 * @return whether an entry was removed
	 * @throws IllegalArgumentException if the key is invalid
	 * @throws IllegalStateException if the cache is read-only
	 */
	public boolean evict(String key) {
		return this.store.remover().evict("", CacheKey.parse(key));
	}

	/**
	 * Removes every entry of every namespace.
	 * @return what was removed
	 * @throws IllegalStateException if the cache is read-only
	 */
	public CleanupResult clear() {
		return this.store.cleanup().clear();
	}

	@Override
	public long removeAll() {
		return clear().evictedTotal();
	}

	/**
	 * Returns a snapshot of the statistics since the cache opened, counters that only
	 * grow (see {@link CacheStats#minus(CacheStats)}). Cheap: does not touch the disk.
	 * @return the statistics
	 */
	public CacheStats stats() {
		return this.store.stats().snapshot();
	}

	/**
	 * Stops background cleanup: waits up to 10 s for a pass in progress to give up, so
	 * that no pass removes anything afterwards. If this process stored entries and the
	 * opening cleanup pass ({@link Builder#withCleanupOnOpenDelay(Duration)}) has not run
	 * to its end, it runs now on the calling thread. The cache keeps answering gets
	 * afterwards; puts are ignored.
	 */
	@Override
	public void close() {
		this.store.cleanup().close();
	}

	@Override
	public String toString() {
		return "DirectoryCache[" + root() + (isReadOnly() ? ", read-only" : "") + "]";
	}

	/**
	 * A view of a {@link DirectoryCache} that stores its entries in their own directory.
	 */
	public static final class Namespace implements CacheNamespace {

		private final DirectoryCache cache;

		private final String name;

		private Namespace(DirectoryCache cache, String name) {
			this.cache = cache;
			this.name = name;
		}

		@Override
		public String name() {
			return this.name;
		}

		/**
		 * Returns the cache this is a view of.
		 * @return the cache
		 */
		public DirectoryCache cache() {
			return this.cache;
		}

		@Override
		public byte @Nullable [] get(String key) {
			return this.cache.store.reader().get(this.name, CacheKey.parse(key));
		}

		@Override
		public void putIfAbsent(String key, byte[] data) {
			this.cache.store.writer().putIfAbsent(this.name, CacheKey.parse(key), data);
		}

		/**
		 * Describes the entry of a key in this namespace.
		 * @param key the key
		 * @return the entry, if present
		 */
		public Optional<CacheEntry> entry(String key) {
			return this.cache.store.reader().entry(this.name, CacheKey.parse(key));
		}

		@Override
		public boolean evict(String key) {
			return this.cache.store.remover().evict(this.name, CacheKey.parse(key));
		}

		@Override
		public boolean invalidate(String key, String reason) {
			return this.cache.store.remover().invalidate(this.name, CacheKey.parse(key), reason);
		}

		@Override
		public String toString() {
			return this.cache + "/" + this.name;
		}

	}

	/**
	 * Builds a {@link DirectoryCache}.
	 */
	public static final class Builder {

		private final Path root;

		private CacheLimits limits = CacheLimits.defaults();

		private Duration tempFileMaxAge = DEFAULT_TEMP_FILE_MAX_AGE;

		private long maxEntrySizeBytes = DEFAULT_MAX_ENTRY_SIZE_BYTES;

		private boolean readOnly;

		private boolean allowSharedDirectory;

		private boolean cleanupOnOpen = true;

		private Duration cleanupOnOpenDelay = DEFAULT_CLEANUP_ON_OPEN_DELAY;

		private Clock clock = Clock.systemUTC();

		private @Nullable Executor executor;

		private Builder(Path root) {
			this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
		}

		/**
		 * Sets all limits at once.
		 * @param limits the limits
		 * @return this builder
		 */
		public Builder withLimits(CacheLimits limits) {
			this.limits = Objects.requireNonNull(limits, "limits");
			return this;
		}

		/**
		 * Sets the maximum total size of the entry files (default 1 GiB).
		 * @param maxSizeBytes the maximum size in bytes
		 * @return this builder
		 */
		public Builder withMaxSizeBytes(long maxSizeBytes) {
			this.limits = new CacheLimits(maxSizeBytes, this.limits.maxEntries(), this.limits.maxAge());
			return this;
		}

		/**
		 * Sets the maximum number of entries (default unlimited).
		 * @param maxEntries the maximum number of entries
		 * @return this builder
		 */
		public Builder withMaxEntries(long maxEntries) {
			this.limits = new CacheLimits(this.limits.maxSizeBytes(), maxEntries, this.limits.maxAge());
			return this;
		}

		/**
		 * Sets the time after which an entry that no process used is evicted (default
		 * none).
		 * @param maxAge the maximum age, or {@code null} for none
		 * @return this builder
		 */
		public Builder withMaxAge(@Nullable Duration maxAge) {
			this.limits = this.limits.withMaxAge(maxAge);
			return this;
		}

		/**
		 * Sets the maximum size of one entry file (default 256 MiB): a larger entry is
		 * not stored, a larger file is evicted as damaged before its size is allocated.
		 * @param maxEntrySizeBytes the maximum size in bytes
		 * @return this builder
		 */
		public Builder withMaxEntrySizeBytes(long maxEntrySizeBytes) {
			if (maxEntrySizeBytes <= 0) {
				throw new IllegalArgumentException("maxEntrySizeBytes must be positive, was " + maxEntrySizeBytes);
			}
			this.maxEntrySizeBytes = maxEntrySizeBytes;
			return this;
		}

		/**
		 * Sets the age after which a temporary file is deleted as the orphan of a crashed
		 * writer (default 1 hour). It must exceed the time a write can take.
		 * @param tempFileMaxAge the age
		 * @return this builder
		 */
		public Builder withTempFileMaxAge(Duration tempFileMaxAge) {
			Objects.requireNonNull(tempFileMaxAge, "tempFileMaxAge");
			if (tempFileMaxAge.isNegative()) {
				throw new IllegalArgumentException("tempFileMaxAge must not be negative, was " + tempFileMaxAge);
			}
			this.tempFileMaxAge = tempFileMaxAge;
			return this;
		}

		/**
		 * Sets whether the cache only reads: it verifies entries but never writes,
		 * deletes or touches anything, nor creates the directory.
		 * @param readOnly whether the cache is read-only
		 * @return this builder
		 */
		public Builder withReadOnly(boolean readOnly) {
			this.readOnly = readOnly;
			return this;
		}

		/**
		 * Sets whether a directory that group or others can write, or another user than
		 * this process's (or root) owns, is accepted (default {@code false}: refused, as
		 * whoever can write there can make the application run their bytecode).
		 * @param allowSharedDirectory whether to accept a shared directory
		 * @return this builder
		 */
		public Builder withAllowSharedDirectory(boolean allowSharedDirectory) {
			this.allowSharedDirectory = allowSharedDirectory;
			return this;
		}

		/**
		 * Sets whether a cleanup pass runs in the background when the cache opens
		 * (default {@code true}), after {@link #withCleanupOnOpenDelay(Duration)}. It
		 * counts the entries on disk, applies the limits and sweeps the temporary files
		 * of crashed writers.
		 * @param cleanupOnOpen whether to clean up on open
		 * @return this builder
		 */
		public Builder withCleanupOnOpen(boolean cleanupOnOpen) {
			this.cleanupOnOpen = cleanupOnOpen;
			return this;
		}

		/**
		 * Sets how long after opening that pass runs when the cache runs its passes on a
		 * thread of its own (default
		 * {@link DirectoryCache#DEFAULT_CLEANUP_ON_OPEN_DELAY}): a process opens its
		 * cache as it starts, and a pass then would take CPU from that start. The pass
		 * runs earlier when this process stores an entry, and in
		 * {@link DirectoryCache#close()} if this process stored and it has not run to its
		 * end by then (a process that only read leaves it to the next). Until it runs,
		 * the entry count and size in the statistics, against which a put is checked for
		 * the limits, cover only this process's writes. An {@link #withExecutor(Executor)
		 * executor of your own} gets the pass at once and decides when it runs.
		 * @param delay the delay, zero for none
		 * @return this builder
		 */
		public Builder withCleanupOnOpenDelay(Duration delay) {
			Objects.requireNonNull(delay, "delay");
			if (delay.isNegative()) {
				throw new IllegalArgumentException("cleanupOnOpenDelay must not be negative, was " + delay);
			}
			this.cleanupOnOpenDelay = delay;
			return this;
		}

		/**
		 * Sets the executor for background cleanup passes. By default the cache owns a
		 * single daemon thread, which {@link DirectoryCache#close()} stops; an executor
		 * given here is not shut down by the cache, and gets the opening pass at once
		 * (without {@link #withCleanupOnOpenDelay(Duration) the delay}).
		 * @param executor the executor
		 * @return this builder
		 */
		public Builder withExecutor(Executor executor) {
			this.executor = Objects.requireNonNull(executor, "executor");
			return this;
		}

		/**
		 * Sets the clock used for creation and access times.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder withClock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Builds the cache.
		 * @return the cache
		 * @throws CacheDirectoryException if the root is not a directory or is writable
		 * by group or others without {@link #withAllowSharedDirectory(boolean)}
		 */
		public DirectoryCache build() {
			return new DirectoryCache(this);
		}

	}

}
