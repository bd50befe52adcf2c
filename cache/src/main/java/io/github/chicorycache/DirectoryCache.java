package io.github.chicorycache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import com.dylibso.chicory.compiler.Cache;
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
 * is stored at {@code /cache/sha-256/kr/gytkcm43c34ksqta8gmddw4ycfquc2g0qfifcpb-w.jar}.
 * In addition:
 * <ul>
 * <li>entries are published atomically (temp file under {@code <root>/.tmp}, fsync,
 * atomic move), so threads and processes can share a directory and never see a partial
 * entry;</li>
 * <li>every entry carries a checksum and is verified before it is returned; a damaged
 * entry is deleted, counted and reported as a miss;</li>
 * <li>size, entry-count and age limits are enforced by {@link #cleanup()}, which evicts
 * the least recently used entries (last access is the file's modification time, which a
 * hit refreshes, so all processes see it) down to 90% of the limit;</li>
 * <li>I/O failures never break a compilation: a failed get is a miss, a failed put a
 * no-op; both are counted and logged once per kind. Only invalid keys throw;</li>
 * <li>entries can be kept apart in {@link #namespace(String) namespaces} that share the
 * limits.</li>
 * </ul>
 * A cleanup pass runs in the background when the cache opens and whenever a put crosses a
 * limit; periodic passes are up to the owner of the cache. {@link #close()} stops the
 * background work.
 */
public final class DirectoryCache implements NamespacedCache, AutoCloseable {

	/**
	 * Name of the directory, under the root, that holds temporary files.
	 */
	public static final String TEMP_DIRECTORY = ".tmp";

	/**
	 * Default age after which a temporary file is considered orphaned by a crashed
	 * writer.
	 */
	public static final Duration DEFAULT_TEMP_FILE_MAX_AGE = Duration.ofHours(1);

	private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9._+-]{0,127}");

	private static final Pattern ENTRY_ALGORITHM = Pattern
		.compile("[a-z0-9-]{1," + CacheKey.MAX_ALGORITHM_LENGTH + "}");

	private static final Pattern ENTRY_SHARD = Pattern.compile("[a-z0-9_-]{2}");

	private static final Pattern ENTRY_NAME = Pattern.compile("[a-z0-9_-]*\\.jar");

	private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

	private final Path root;

	private final Path tempDirectory;

	private final CacheLimits limits;

	private final Duration tempFileMaxAge;

	private final boolean readOnly;

	private final boolean posix;

	private final Clock clock;

	private final Executor executor;

	private final @Nullable ExecutorService ownedExecutor;

	private final FaultRecorder faults;

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder puts = new LongAdder();

	private final LongAdder putFailures = new LongAdder();

	private final LongAdder corruptEntries = new LongAdder();

	private final LongAdder bytesRead = new LongAdder();

	private final LongAdder bytesWritten = new LongAdder();

	private final Map<EvictionCause, LongAdder> evictions = new EnumMap<>(EvictionCause.class);

	private final AtomicLong entryCount = new AtomicLong();

	private final AtomicLong totalBytes = new AtomicLong();

	private final AtomicReference<@Nullable CleanupResult> lastCleanup = new AtomicReference<>();

	private final AtomicBoolean cleanupPending = new AtomicBoolean();

	private final ReentrantLock cleanupLock = new ReentrantLock();

	private final long pid = ProcessHandle.current().pid();

	private volatile boolean closed;

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
		this.root = builder.root;
		this.tempDirectory = this.root.resolve(TEMP_DIRECTORY);
		this.limits = builder.limits;
		this.tempFileMaxAge = builder.tempFileMaxAge;
		this.readOnly = builder.readOnly;
		this.clock = builder.clock;
		this.posix = this.root.getFileSystem().supportedFileAttributeViews().contains("posix");
		this.faults = new FaultRecorder(this.clock, DirectoryCache.class);
		for (EvictionCause cause : EvictionCause.values()) {
			this.evictions.put(cause, new LongAdder());
		}
		open(builder.allowSharedDirectory);
		if (builder.executor != null) {
			this.executor = builder.executor;
			this.ownedExecutor = null;
		}
		else {
			this.ownedExecutor = newCleanupExecutor();
			this.executor = this.ownedExecutor;
		}
		if (builder.cleanupOnOpen) {
			requestCleanup();
		}
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
	 * Returns the root directory.
	 * @return the root
	 */
	public Path root() {
		return this.root;
	}

	/**
	 * Returns the limits.
	 * @return the limits
	 */
	public CacheLimits limits() {
		return this.limits;
	}

	/**
	 * Returns whether the cache only reads.
	 * @return whether the cache is read-only
	 */
	public boolean isReadOnly() {
		return this.readOnly;
	}

	/**
	 * Returns whether the cache can currently store entries: it is not read-only and its
	 * root is a writable directory.
	 * @return whether the cache is writable
	 */
	public boolean isWritable() {
		return !this.readOnly && Files.isDirectory(this.root) && Files.isWritable(this.root);
	}

	/**
	 * Returns a view of this cache whose entries live in their own directory under the
	 * root, {@code <root>/<name>/<algorithm>/..}. Namespaces keep apart entries that must
	 * not be mixed (for example, those of different compiler versions) while sharing the
	 * limits, statistics and cleanup of this cache.
	 * @param name the namespace, {@code [a-z0-9][a-z0-9._+-]*}
	 * @return the namespaced view
	 */
	@Override
	public Namespace namespace(String name) {
		return new Namespace(this, validateNamespace(name));
	}

	@Override
	public byte @Nullable [] get(String key) {
		return get("", key);
	}

	@Override
	public void putIfAbsent(String key, byte[] data) {
		putIfAbsent("", key, data);
	}

	byte @Nullable [] get(String namespace, String key) {
		CacheKey cacheKey = CacheKey.parse(key);
		Path file = entryPath(namespace, cacheKey);
		byte[] payload;
		long fileSize = -1;
		// The header is verified before the payload is read, so a damaged or foreign file
		// of any size (even larger than an array can hold) is a miss, not an error.
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			fileSize = channel.size();
			payload = EntryCodec.read(channel, cacheKey.value());
		}
		catch (NoSuchFileException ex) {
			this.misses.increment();
			return null;
		}
		catch (EntryCodec.CorruptEntryException ex) {
			this.misses.increment();
			this.corruptEntries.increment();
			this.faults.record(CacheFault.Kind.CORRUPT, "Entry " + file + " is damaged (" + ex.getMessage() + ")"
					+ (this.readOnly ? "; left in place because the cache is read-only" : "; evicted"), null);
			if (!this.readOnly) {
				delete(file, fileSize, EvictionCause.CORRUPT);
			}
			return null;
		}
		catch (IOException | RuntimeException ex) {
			this.misses.increment();
			this.faults.record(CacheFault.Kind.READ, "Could not read " + file, ex);
			return null;
		}
		this.hits.increment();
		this.bytesRead.add(payload.length);
		if (!this.readOnly) {
			touch(file);
		}
		return payload;
	}

	void putIfAbsent(String namespace, String key, byte[] data) {
		CacheKey cacheKey = CacheKey.parse(key);
		Objects.requireNonNull(data, "data");
		if (this.readOnly || this.closed) {
			return;
		}
		Path target = entryPath(namespace, cacheKey);
		try {
			if (Files.exists(target)) {
				return;
			}
			long encodedSize = EntryCodec.encodedSize(cacheKey.value(), data.length);
			if (encodedSize > this.limits.maxSizeBytes()) {
				// Stored, it would flush every other entry, then be evicted itself.
				this.putFailures.increment();
				this.faults.record(CacheFault.Kind.WRITE, "Not storing " + key + ": its entry of " + encodedSize
						+ " bytes exceeds the size limit of " + this.limits.maxSizeBytes() + " bytes", null);
				return;
			}
			long size = publish(cacheKey, data, target);
			if (size < 0) {
				return;
			}
			this.puts.increment();
			this.bytesWritten.add(size);
			long entries = this.entryCount.incrementAndGet();
			long bytes = this.totalBytes.addAndGet(size);
			if (this.limits.exceeded(entries, bytes)) {
				requestCleanup();
			}
		}
		catch (IOException | RuntimeException ex) {
			this.putFailures.increment();
			this.faults.record(CacheFault.Kind.WRITE, "Could not store " + key + " at " + target, ex);
		}
	}

	/**
	 * Writes an entry to a temporary file and moves it into place.
	 * @return the entry's size, or -1 if another writer published it first
	 */
	private long publish(CacheKey key, byte[] data, Path target) throws IOException {
		// The root first: if it vanished since the cache opened, it must come back
		// owner-only, not with the default permissions createDirectories would give it.
		createOwnerOnlyDirectory(this.root);
		createOwnerOnlyDirectory(this.tempDirectory);
		Path temp = Files.createTempFile(this.tempDirectory, "pid" + this.pid + "-", ".tmp", fileAttributes());
		try {
			Instant now = this.clock.instant();
			ByteBuffer header = EntryCodec.header(key.value(), now, data.length);
			ByteBuffer[] buffers = { header, ByteBuffer.wrap(data), EntryCodec.trailer(header, data) };
			long size = 0;
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
				while (buffers[buffers.length - 1].hasRemaining()) {
					size += channel.write(buffers);
				}
				// Last access starts at creation, on the clock that hits and age
				// eviction use (the file system's own timestamp may differ).
				Files.setLastModifiedTime(temp, FileTime.from(now));
				channel.force(true);
			}
			Files.createDirectories(target.getParent());
			try {
				Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				throw ex;
			}
			catch (FileAlreadyExistsException | AccessDeniedException ex) {
				// File systems that cannot replace atomically refuse when a concurrent
				// writer won the race; its entry is as good as ours.
				if (Files.isRegularFile(target)) {
					return -1;
				}
				throw ex;
			}
			return size;
		}
		finally {
			Files.deleteIfExists(temp);
		}
	}

	/**
	 * Applies the limits now: deletes orphan temporary files, evicts entries unused for
	 * longer than the maximum age, then, if a limit is still exceeded, evicts the least
	 * recently used entries until the cache is at 90% of the limit (keeping the most
	 * recently used entry if it fits the limits on its own). Reconciles the entry count
	 * and total size with what is on disk. In read-only mode only the reconciliation
	 * happens. Passes in one process never overlap; passes in several processes may,
	 * safely.
	 * @return what the pass did
	 */
	public CleanupResult cleanup() {
		CleanupResult result = cleanup(false);
		Objects.requireNonNull(result, "cleanup result");
		return result;
	}

	/**
	 * Runs a cleanup pass.
	 * @param background whether this is a background pass, which stops without
	 * reconciling anything once the cache is closed
	 * @return what the pass did, or {@code null} if a background pass was stopped
	 */
	private @Nullable CleanupResult cleanup(boolean background) {
		this.cleanupLock.lock();
		try {
			if (background && this.closed) {
				return null;
			}
			Instant startedAt = this.clock.instant();
			long start = System.nanoTime();
			long tempFilesDeleted = this.readOnly ? 0 : deleteOrphanTempFiles(startedAt);
			List<EntryFile> files = scan(background);
			if (files == null) {
				return null;
			}
			long entries = files.size();
			long bytes = files.stream().mapToLong(EntryFile::size).sum();
			long entriesBefore = entries;
			long bytesBefore = bytes;
			Map<EvictionCause, Long> evicted = new EnumMap<>(EvictionCause.class);
			long bytesFreed = 0;
			if (!this.readOnly) {
				files.sort(Comparator.comparing(EntryFile::lastAccess));
				List<EntryFile> kept = new ArrayList<>(files.size());
				Duration maxAge = this.limits.maxAge();
				Instant cutoff = (maxAge != null) ? startedAt.minus(maxAge) : null;
				for (EntryFile file : files) {
					if (cutoff == null || !file.lastAccess().isBefore(cutoff)) {
						kept.add(file);
						continue;
					}
					if (background && this.closed) {
						return null;
					}
					if (delete(file.path(), file.size(), EvictionCause.AGE)) {
						evicted.merge(EvictionCause.AGE, 1L, Long::sum);
						bytesFreed += file.size();
					}
					entries--;
					bytes -= file.size();
				}
				// Trim only if still over a limit once expired entries are gone, and
				// then down to the trim target, so that the next puts do not trigger
				// another pass at once.
				if (this.limits.exceeded(entries, bytes)) {
					long targetEntries = this.limits.trimmedEntries();
					long targetBytes = this.limits.trimmedSize();
					int mostRecent = kept.size() - 1;
					for (int i = 0; i <= mostRecent && (entries > targetEntries || bytes > targetBytes); i++) {
						EntryFile file = kept.get(i);
						if (i == mostRecent && file.size() <= this.limits.maxSizeBytes()) {
							// Keep the entry used last if it fits on its own (with a
							// limit of 1 entry, the target would be 0).
							break;
						}
						if (background && this.closed) {
							return null;
						}
						EvictionCause cause = (entries > targetEntries) ? EvictionCause.COUNT : EvictionCause.SIZE;
						if (delete(file.path(), file.size(), cause)) {
							evicted.merge(cause, 1L, Long::sum);
							bytesFreed += file.size();
						}
						entries--;
						bytes -= file.size();
					}
				}
			}
			this.entryCount.set(entries);
			this.totalBytes.set(bytes);
			CleanupResult result = new CleanupResult(startedAt, Duration.ofNanos(System.nanoTime() - start),
					entriesBefore, bytesBefore, evicted, bytesFreed, tempFilesDeleted, entries, bytes);
			this.lastCleanup.set(result);
			return result;
		}
		finally {
			this.cleanupLock.unlock();
		}
	}

	/**
	 * Lists all entries of all namespaces, most recently used first. Reads each entry's
	 * header, not its content.
	 * @return the entries
	 */
	public List<CacheEntry> entries() {
		List<CacheEntry> entries = new ArrayList<>();
		for (EntryFile file : Objects.requireNonNull(scan(false))) {
			entries.add(describe(file));
		}
		entries.sort(Comparator.comparing(CacheEntry::lastAccess).reversed());
		return entries;
	}

	/**
	 * Describes the entry of a key in the root namespace.
	 * @param key the key
	 * @return the entry, if present
	 * @throws IllegalArgumentException if the key is invalid
	 */
	public Optional<CacheEntry> entry(String key) {
		return entry("", key);
	}

	Optional<CacheEntry> entry(String namespace, String key) {
		Path file = entryPath(namespace, CacheKey.parse(key));
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
	 * Evicts the entry of a key in the root namespace.
	 * @param key the key
	 * @return whether an entry was removed
	 * @throws IllegalArgumentException if the key is invalid
	 * @throws IllegalStateException if the cache is read-only
	 */
	public boolean evict(String key) {
		return evict("", key);
	}

	boolean evict(String namespace, String key) {
		Path file = entryPath(namespace, CacheKey.parse(key));
		requireWritable();
		return delete(file, -1, EvictionCause.MANUAL);
	}

	boolean invalidate(String namespace, String key, String reason) {
		Path file = entryPath(namespace, CacheKey.parse(key));
		this.corruptEntries.increment();
		this.faults.record(CacheFault.Kind.CORRUPT, "Entry " + file + " cannot be used (" + reason + ")"
				+ (this.readOnly ? "; left in place because the cache is read-only" : "; evicted"), null);
		if (this.readOnly) {
			return false;
		}
		delete(file, -1, EvictionCause.CORRUPT);
		return !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * Removes every entry of every namespace.
	 * @return what was removed
	 * @throws IllegalStateException if the cache is read-only
	 */
	public CleanupResult clear() {
		requireWritable();
		this.cleanupLock.lock();
		try {
			Instant startedAt = this.clock.instant();
			long start = System.nanoTime();
			List<EntryFile> files = Objects.requireNonNull(scan(false));
			long removed = 0;
			long bytesFreed = 0;
			for (EntryFile file : files) {
				if (delete(file.path(), -1, EvictionCause.MANUAL)) {
					removed++;
					bytesFreed += file.size();
				}
			}
			this.entryCount.set(0);
			this.totalBytes.set(0);
			long bytesBefore = files.stream().mapToLong(EntryFile::size).sum();
			return new CleanupResult(startedAt, Duration.ofNanos(System.nanoTime() - start), files.size(), bytesBefore,
					Map.of(EvictionCause.MANUAL, removed), bytesFreed, 0, 0, 0);
		}
		finally {
			this.cleanupLock.unlock();
		}
	}

	/**
	 * Removes every entry of every namespace, as {@link #clear()} does.
	 * @return how many entries were removed
	 * @throws IllegalStateException if the cache is read-only
	 */
	@Override
	public long removeAll() {
		return clear().evictedTotal();
	}

	/**
	 * Returns a snapshot of the statistics since the cache opened: counters that only
	 * grow (subtract an earlier snapshot with {@link CacheStats#minus(CacheStats)} for an
	 * interval). Cheap: does not touch the disk.
	 * @return the statistics
	 */
	public CacheStats stats() {
		Map<EvictionCause, Long> evicted = new EnumMap<>(EvictionCause.class);
		this.evictions.forEach((cause, count) -> evicted.put(cause, count.sum()));
		return new CacheStats(this.hits.sum(), this.misses.sum(), this.puts.sum(), this.putFailures.sum(), evicted,
				this.corruptEntries.sum(), this.bytesRead.sum(), this.bytesWritten.sum(), this.faults.count(),
				this.entryCount.get(), this.totalBytes.get(), this.lastCleanup.get(), this.faults.last());
	}

	/**
	 * Stops background cleanup. The cache keeps answering gets afterwards; puts are
	 * ignored.
	 */
	@Override
	public void close() {
		this.closed = true;
		if (this.ownedExecutor != null) {
			this.ownedExecutor.shutdownNow();
			try {
				this.ownedExecutor.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public String toString() {
		return "DirectoryCache[" + this.root + (this.readOnly ? ", read-only" : "") + "]";
	}

	private void open(boolean allowSharedDirectory) {
		if (Files.exists(this.root)) {
			if (!Files.isDirectory(this.root)) {
				throw new CacheDirectoryException(this.root, CacheDirectoryException.Reason.NOT_A_DIRECTORY,
						"Cache directory '" + this.root + "' is not a directory");
			}
			checkNotShared(allowSharedDirectory);
			return;
		}
		if (this.readOnly) {
			return;
		}
		try {
			createOwnerOnlyDirectory(this.root);
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.OPEN, "Could not create cache directory " + this.root, ex);
			return;
		}
		// Someone else may have created it between our look and our create.
		checkNotShared(allowSharedDirectory);
	}

	private void checkNotShared(boolean allowSharedDirectory) {
		if (!this.posix || allowSharedDirectory) {
			return;
		}
		Set<PosixFilePermission> permissions;
		try {
			permissions = Files.getPosixFilePermissions(this.root);
		}
		catch (IOException ex) {
			this.faults.record(CacheFault.Kind.OPEN, "Could not read the permissions of " + this.root, ex);
			return;
		}
		if (permissions.contains(PosixFilePermission.GROUP_WRITE)
				|| permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
			throw new CacheDirectoryException(this.root, CacheDirectoryException.Reason.SHARED_PERMISSIONS,
					"Cache directory '" + this.root + "' is writable by group or others ("
							+ PosixFilePermissions.toString(permissions) + "). It holds bytecode that this application "
							+ "executes, so anyone who can write there can run code in it. Restrict it (chmod 700 '"
							+ this.root + "') or explicitly allow a shared directory.");
		}
		checkOwner();
	}

	/**
	 * Refuses a root owned by another user than this process's (root excepted, which
	 * covers caches prebuilt into an image): its owner could make this application run
	 * their bytecode. Only on the default file system, where user names are the
	 * process's.
	 */
	private void checkOwner() {
		String user = System.getProperty("user.name", "");
		if (this.root.getFileSystem() != FileSystems.getDefault() || user.isEmpty() || user.equals("?")) {
			return;
		}
		String owner;
		try {
			owner = Files.getOwner(this.root).getName();
		}
		catch (IOException | UnsupportedOperationException ex) {
			return;
		}
		if (!owner.equals(user) && !owner.equals("root")) {
			throw new CacheDirectoryException(this.root, CacheDirectoryException.Reason.FOREIGN_OWNER,
					"Cache directory '" + this.root + "' is owned by '" + owner + "', not by this application's user '"
							+ user + "'. It holds bytecode that this application "
							+ "executes, so its owner can run code in it. Use a directory of your own (or chown it) or "
							+ "explicitly allow a shared directory.");
		}
	}

	private void createOwnerOnlyDirectory(Path directory) throws IOException {
		if (Files.isDirectory(directory)) {
			return;
		}
		Path parent = directory.getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		try {
			if (this.posix) {
				Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
				// The umask may have taken bits away; make sure the owner has them all.
				Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
			}
			else {
				Files.createDirectory(directory);
			}
		}
		catch (FileAlreadyExistsException ex) {
			if (!Files.isDirectory(directory)) {
				throw ex;
			}
		}
	}

	private FileAttribute<?>[] fileAttributes() {
		return this.posix ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE) }
				: new FileAttribute<?>[0];
	}

	private Path entryPath(String namespace, CacheKey key) {
		Path path = namespace.isEmpty() ? this.root : this.root.resolve(namespace);
		for (String segment : key.relativePath()) {
			path = path.resolve(segment);
		}
		// Validation of key and namespace already excludes separators and dots; this is
		// the last line of defence should either ever be loosened.
		if (!path.normalize().startsWith(this.root.normalize()) || path.getNameCount() <= this.root.getNameCount()) {
			throw new IllegalArgumentException("Cache key '" + key + "' resolves outside the cache directory");
		}
		return path;
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

	/**
	 * Deletes an entry file and accounts for it.
	 * @param size the file's size if known, else -1
	 * @return whether this call removed the file
	 */
	private boolean delete(Path file, long size, EvictionCause cause) {
		try {
			long bytes = (size >= 0) ? size : Files.size(file);
			if (!Files.deleteIfExists(file)) {
				return false;
			}
			this.evictions.get(cause).increment();
			this.entryCount.updateAndGet((count) -> Math.max(0, count - 1));
			this.totalBytes.updateAndGet((total) -> Math.max(0, total - bytes));
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

	private long deleteOrphanTempFiles(Instant now) {
		if (!Files.isDirectory(this.tempDirectory)) {
			return 0;
		}
		Instant cutoff = now.minus(this.tempFileMaxAge);
		long deleted = 0;
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.tempDirectory)) {
			for (Path temp : stream) {
				try {
					BasicFileAttributes attributes = Files.readAttributes(temp, BasicFileAttributes.class);
					if (attributes.isRegularFile() && !attributes.lastModifiedTime().toInstant().isAfter(cutoff)
							&& Files.deleteIfExists(temp)) {
						deleted++;
					}
				}
				catch (NoSuchFileException ex) {
					// published or removed meanwhile
				}
				catch (IOException | RuntimeException ex) {
					this.faults.record(CacheFault.Kind.DELETE, "Could not delete temporary file " + temp, ex);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.CLEANUP, "Could not list " + this.tempDirectory, ex);
		}
		return deleted;
	}

	/**
	 * Finds all entry files: {@code <algorithm>/<shard>/<name>.jar} in the root namespace
	 * and {@code <namespace>/<algorithm>/<shard>/<name>.jar} in the others.
	 * @param stopWhenClosed whether to give up once the cache is closed (background
	 * passes)
	 * @return the files, or {@code null} if the scan gave up
	 */
	private @Nullable List<EntryFile> scan(boolean stopWhenClosed) {
		List<EntryFile> files = new ArrayList<>();
		if (!Files.isDirectory(this.root)) {
			return files;
		}
		AtomicBoolean stopped = new AtomicBoolean();
		try {
			Files.walkFileTree(this.root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), 4,
					new SimpleFileVisitor<>() {

						@Override
						public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
							if (stopWhenClosed && DirectoryCache.this.closed) {
								stopped.set(true);
								return FileVisitResult.TERMINATE;
							}
							return dir.equals(DirectoryCache.this.tempDirectory) ? FileVisitResult.SKIP_SUBTREE
									: FileVisitResult.CONTINUE;
						}

						@Override
						public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
							Path relative = DirectoryCache.this.root.relativize(file);
							int depth = relative.getNameCount();
							if (attrs.isRegularFile() && isEntryPath(relative)) {
								String namespace = (depth == 4) ? relative.getName(0).toString() : "";
								files.add(new EntryFile(file, namespace, attrs.size(),
										attrs.lastModifiedTime().toInstant()));
							}
							return FileVisitResult.CONTINUE;
						}

						@Override
						public FileVisitResult visitFileFailed(Path file, IOException ex) {
							if (!(ex instanceof NoSuchFileException)) {
								DirectoryCache.this.faults.record(CacheFault.Kind.CLEANUP, "Could not scan " + file,
										ex);
							}
							return FileVisitResult.CONTINUE;
						}

					});
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.CLEANUP, "Could not scan " + this.root, ex);
		}
		// A partial scan must not be taken for the directory's content.
		return stopped.get() ? null : files;
	}

	/**
	 * Returns whether a path relative to the root has the exact shape of an entry,
	 * {@code [<namespace>/]<algorithm>/<shard>/<name>.jar}, so that cleanup, eviction and
	 * {@code clear()} never touch files that the cache did not write, should the
	 * directory hold anything else.
	 */
	private static boolean isEntryPath(Path relative) {
		int depth = relative.getNameCount();
		if (depth != 3 && depth != 4) {
			return false;
		}
		int first = depth - 3;
		if (depth == 4 && !NAMESPACE.matcher(relative.getName(0).toString()).matches()) {
			return false;
		}
		return ENTRY_ALGORITHM.matcher(relative.getName(first).toString()).matches()
				&& ENTRY_SHARD.matcher(relative.getName(first + 1).toString()).matches()
				&& ENTRY_NAME.matcher(relative.getName(first + 2).toString()).matches();
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
		String path = this.root.relativize(file.path())
			.toString()
			.replace(file.path().getFileSystem().getSeparator(), "/");
		return new CacheEntry(file.namespace(), key, path, file.size(), created, file.lastAccess());
	}

	private void requestCleanup() {
		if (this.closed || !this.cleanupPending.compareAndSet(false, true)) {
			return;
		}
		try {
			this.executor.execute(() -> {
				this.cleanupPending.set(false);
				try {
					cleanup(true);
				}
				catch (RuntimeException ex) {
					this.faults.record(CacheFault.Kind.CLEANUP, "Cleanup of " + this.root + " failed", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.cleanupPending.set(false);
		}
	}

	private void requireWritable() {
		if (this.readOnly) {
			throw new IllegalStateException("Cache " + this.root + " is read-only");
		}
	}

	private static ExecutorService newCleanupExecutor() {
		ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(runnable) -> {
					Thread thread = new Thread(runnable, "chicory-cache-cleanup");
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	private static String validateNamespace(String name) {
		Objects.requireNonNull(name, "name");
		if (!NAMESPACE.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"Namespace '" + name + "' must match " + NAMESPACE.pattern() + " (lower case, no separators)");
		}
		return name;
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

		/**
		 * Returns the name of this namespace, which is also its directory name.
		 * @return the name
		 */
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
			return this.cache.get(this.name, key);
		}

		@Override
		public void putIfAbsent(String key, byte[] data) {
			this.cache.putIfAbsent(this.name, key, data);
		}

		/**
		 * Describes the entry of a key in this namespace.
		 * @param key the key
		 * @return the entry, if present
		 */
		public Optional<CacheEntry> entry(String key) {
			return this.cache.entry(this.name, key);
		}

		/**
		 * Evicts the entry of a key in this namespace.
		 * @param key the key
		 * @return whether an entry was removed
		 */
		@Override
		public boolean evict(String key) {
			return this.cache.evict(this.name, key);
		}

		/**
		 * Removes an entry that passed verification here but that its consumer found
		 * unusable (for example, compiled code that fails to load), counting it as
		 * corrupt. Does nothing in read-only mode but count.
		 * @param key the key
		 * @param reason why the entry is unusable, for the log
		 * @return whether the entry is gone
		 */
		@Override
		public boolean invalidate(String key, String reason) {
			return this.cache.invalidate(this.name, key, reason);
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

		private boolean readOnly;

		private boolean allowSharedDirectory;

		private boolean cleanupOnOpen = true;

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
		 * Sets whether a root that is writable by group or others, or owned by another
		 * user than this process's (or root), is accepted (default {@code false}: such a
		 * root is refused, since whoever can write there can make the application run
		 * their bytecode).
		 * @param allowSharedDirectory whether to accept a shared root
		 * @return this builder
		 */
		public Builder withAllowSharedDirectory(boolean allowSharedDirectory) {
			this.allowSharedDirectory = allowSharedDirectory;
			return this;
		}

		/**
		 * Sets whether a cleanup pass runs in the background when the cache opens
		 * (default {@code true}).
		 * @param cleanupOnOpen whether to clean up on open
		 * @return this builder
		 */
		public Builder withCleanupOnOpen(boolean cleanupOnOpen) {
			this.cleanupOnOpen = cleanupOnOpen;
			return this;
		}

		/**
		 * Sets the executor for background cleanup passes. By default the cache owns a
		 * single daemon thread, which {@link DirectoryCache#close()} stops; an executor
		 * given here is not shut down by the cache.
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
