package io.github.chicorycache;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.CompiledModule;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import io.github.chicorycache.spi.NamespacedCache;
import org.jspecify.annotations.Nullable;

/**
 * Compiles WASM modules to machine factories with Chicory's
 * {@link MachineFactoryCompiler}, caching the result safely. Thread-safe.
 * <ul>
 * <li><b>Upgrade-safe:</b> entries are kept apart by the Chicory compiler version and a
 * fingerprint of the effective compiler options (the {@link #namespace() namespace}), so
 * code compiled under other conditions is never loaded. With a {@link DirectoryCache} the
 * namespace is a directory under its root; any other {@link Cache} gets keys hashed with
 * the namespace.</li>
 * <li><b>Self-healing:</b> an entry that is incomplete, was stored for another module or
 * namespace, or fails to load in any way is evicted (counted as corrupt), the module is
 * compiled afresh and stored, and the caller gets a working factory. Failures of the
 * cache itself never fail a compilation.</li>
 * <li><b>Compiled once:</b> concurrent callers for the same module share one compilation,
 * and a module compiled earlier in this JVM, even parsed again from the same bytes, is
 * reused without reading the disk or defining classes again.</li>
 * </ul>
 * Modules without a digest compile without cache. A module that Chicory cannot compile
 * throws Chicory's exception unchanged and leaves nothing in the cache.
 */
public final class ChicoryCompiler {

	/**
	 * Default number of compiled modules kept for reuse in this JVM.
	 */
	public static final int DEFAULT_MEMORY_MAX_ENTRIES = 64;

	/**
	 * Default total size of the compiled code kept for reuse in this JVM: 128 MiB.
	 */
	public static final long DEFAULT_MEMORY_MAX_BYTES = 128L * 1024 * 1024;

	private static final Logger logger = System.getLogger(ChicoryCompiler.class.getName());

	/**
	 * Namespace suffix when the compiler options cannot be read; such modules are not
	 * stored.
	 */
	private static final String UNREADABLE_OPTIONS = "unreadable-options";

	/**
	 * The smallest valid module: magic number and version, nothing else.
	 */
	private static final byte[] EMPTY_MODULE = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };

	private final @Nullable Cache cache;

	private final List<MachineFactoryCompilerCustomizer> customizers;

	private final List<CompilationListener> listeners;

	private final CompiledModuleMemory memory;

	private final String version = sanitize(ChicoryVersion.get());

	private final Map<String, CompletableFuture<CompiledModuleMemory.Reusable>> inflight = new ConcurrentHashMap<>();

	private final Map<String, CacheNamespace> namespacedCaches = new ConcurrentHashMap<>();

	private final Set<String> unusableEntries = ConcurrentHashMap.newKeySet();

	private final FaultRecorder faults = new FaultRecorder(Clock.systemUTC(), ChicoryCompiler.class);

	private final Map<CompilationSource, LongAdder> counts = new EnumMap<>(CompilationSource.class);

	private final Map<CompilationSource, LongAdder> nanos = new EnumMap<>(CompilationSource.class);

	private final LongAdder compiledBytes = new LongAdder();

	private final LongAdder compileNanos = new LongAdder();

	private final LongAdder reusedBytes = new LongAdder();

	private final LongAdder recovered = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private volatile @Nullable String defaultNamespace;

	private ChicoryCompiler(Builder builder) {
		this.cache = builder.cache;
		this.customizers = List.copyOf(builder.customizers);
		this.listeners = List.copyOf(builder.listeners);
		this.memory = new CompiledModuleMemory(builder.memoryMaxEntries, builder.memoryMaxBytes);
		for (CompilationSource source : CompilationSource.values()) {
			this.counts.put(source, new LongAdder());
			this.nanos.put(source, new LongAdder());
		}
	}

	/**
	 * Returns a new builder.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns a machine factory for a module: from this JVM's earlier compilations, from
	 * the cache, or compiled now and stored in the cache.
	 * @param module the module
	 * @return a machine factory bound to this module object
	 * @throws com.dylibso.chicory.wasm.ChicoryException (or another exception of
	 * Chicory's) if the module cannot be compiled
	 */
	public Function<Instance, Machine> machineFactory(WasmModule module) {
		return compile(module).machineFactory();
	}

	/**
	 * Returns a machine factory for a module, as {@link #machineFactory(WasmModule)}
	 * does, together with where it came from.
	 * @param module the module
	 * @return the machine factory and its compilation event
	 * @throws com.dylibso.chicory.wasm.ChicoryException (or another exception of
	 * Chicory's) if the module cannot be compiled
	 */
	public Compilation compile(WasmModule module) {
		Objects.requireNonNull(module, "module");
		long start = System.nanoTime();
		MachineFactoryCompiler.Builder builder = customizedBuilder(module);
		String namespace = namespace(builder);
		String digest = module.digest();
		if (digest == null) {
			return compileWithoutReuse(module, builder, namespace, start);
		}
		String key = namespace + "/" + digest;
		CompiledModuleMemory.Reusable reused = this.memory.get(key);
		if (reused != null) {
			return reuse(module, reused, digest, namespace, start, false);
		}
		CompletableFuture<CompiledModuleMemory.Reusable> mine = new CompletableFuture<>();
		CompletableFuture<CompiledModuleMemory.Reusable> running = this.inflight.putIfAbsent(key, mine);
		if (running != null) {
			CompiledModuleMemory.Reusable shared;
			try {
				shared = await(running);
			}
			catch (RuntimeException | Error ex) {
				this.failures.increment();
				throw ex;
			}
			return reuse(module, shared, digest, namespace, start, true);
		}
		try {
			// Another thread may have finished this module between our two looks.
			reused = this.memory.get(key);
			if (reused != null) {
				mine.complete(reused);
				return reuse(module, reused, digest, namespace, start, false);
			}
			CompilationOutcome outcome = compile(module, builder, namespace, digest);
			Function<Instance, Machine> factory = outcome.factory();
			Function<Instance, Machine> shared = (factory instanceof CompiledModule compiled)
					? compiled.machineFactory() : null;
			if (shared != null) {
				this.memory.put(key, shared, outcome.bytes());
			}
			mine.complete(new CompiledModuleMemory.Reusable((shared != null) ? shared : factory, outcome.bytes()));
			return new Compilation(factory, record(new CompilationEvent(digest, namespace, outcome.source(),
					elapsed(start), outcome.bytes(), outcome.recovered(), false)));
		}
		catch (RuntimeException | Error ex) {
			this.failures.increment();
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.inflight.remove(key, mine);
		}
	}

	/**
	 * Returns an instance builder for a module with this compiler's machine factory;
	 * shorthand for
	 * {@code Instance.builder(module).withMachineFactory(machineFactory(module))}.
	 * @param module the module
	 * @return the instance builder
	 */
	public Instance.Builder instanceBuilder(WasmModule module) {
		return Instance.builder(module).withMachineFactory(machineFactory(module));
	}

	/**
	 * Returns the cache namespace of modules compiled with this compiler's options:
	 * {@code chicory-<compiler version>-<options fingerprint>}.
	 * @return the namespace
	 */
	public String namespace() {
		String namespace = this.defaultNamespace;
		if (namespace == null) {
			namespace = namespace(customizedBuilder(Parser.parse(EMPTY_MODULE)));
			this.defaultNamespace = namespace;
		}
		return namespace;
	}

	/**
	 * Returns the Chicory compiler version that is part of the namespace.
	 * @return the version
	 */
	public String chicoryVersion() {
		return this.version;
	}

	/**
	 * Returns the persistent cache, if any.
	 * @return the cache or {@code null}
	 */
	public @Nullable Cache cache() {
		return this.cache;
	}

	/**
	 * Returns a snapshot of this compiler's statistics.
	 * @return the statistics
	 */
	public CompilerStats stats() {
		Map<CompilationSource, Long> compilations = new EnumMap<>(CompilationSource.class);
		Map<CompilationSource, Duration> time = new EnumMap<>(CompilationSource.class);
		for (CompilationSource source : CompilationSource.values()) {
			compilations.put(source, this.counts.get(source).sum());
			time.put(source, Duration.ofNanos(this.nanos.get(source).sum()));
		}
		CompiledModuleMemory.Usage memoryUsage = this.memory.usage();
		return new CompilerStats(compilations, time, this.recovered.sum(), this.failures.sum(), memoryUsage.entries(),
				memoryUsage.bytes(), timeSaved(), this.faults.count(), this.faults.last());
	}

	/**
	 * Forgets the compiled modules held for reuse in this JVM; later calls read the cache
	 * again.
	 */
	public void clearMemory() {
		this.memory.clear();
		this.unusableEntries.clear();
	}

	/**
	 * Removes the entry of a module from this compiler's namespace of the cache and
	 * forgets the module's compiled code held in this JVM, so that the next call loads or
	 * compiles it afresh. With a plain {@link Cache}, which cannot delete, only the
	 * in-JVM copy is dropped.
	 * @param digest the module's digest, the cache key ({@code sha-256:...})
	 * @return whether an entry was removed from the cache
	 * @throws IllegalArgumentException if the key is invalid for the cache
	 * @throws IllegalStateException if the cache cannot be written
	 */
	public boolean evict(String digest) {
		Objects.requireNonNull(digest, "digest");
		String namespace = namespace();
		this.memory.evict(namespace + "/" + digest);
		this.unusableEntries.remove(namespace + "/" + digest);
		CacheNamespace store = namespacedCache(namespace);
		return store != null && store.evict(digest);
	}

	/**
	 * Removes every entry of the cache (all namespaces), where the cache can, and forgets
	 * every compiled module held in this JVM.
	 * @return how many cache entries were removed
	 * @throws IllegalStateException if the cache cannot be written
	 */
	public long clear() {
		this.memory.clear();
		this.unusableEntries.clear();
		return (this.cache instanceof NamespacedCache namespaced) ? namespaced.removeAll() : 0;
	}

	private Compilation compileWithoutReuse(WasmModule module, MachineFactoryCompiler.Builder builder, String namespace,
			long start) {
		try {
			Function<Instance, Machine> factory = builder.compile();
			return new Compilation(factory, record(new CompilationEvent(null, namespace, CompilationSource.COMPILER,
					elapsed(start), 0, false, false)));
		}
		catch (RuntimeException | Error ex) {
			this.failures.increment();
			throw ex;
		}
	}

	private Compilation reuse(WasmModule module, CompiledModuleMemory.Reusable reused, String digest, String namespace,
			long start, boolean shared) {
		CompilationEvent event = record(new CompilationEvent(digest, namespace, CompilationSource.MEMORY,
				elapsed(start), reused.size(), false, shared));
		return new Compilation(new BoundMachineFactory(module, reused.factory()), event);
	}

	private CompilationOutcome compile(WasmModule module, MachineFactoryCompiler.Builder builder, String namespace,
			String digest) {
		CacheNamespace store = namespacedCache(namespace);
		String entryKey = namespace + "/" + digest;
		CompilationProbe probe = new CompilationProbe(store, namespace, !this.unusableEntries.contains(entryKey),
				(key, reason) -> invalidate(store, entryKey, key, reason), this.faults);
		try {
			Function<Instance, Machine> factory = compileOrLoad(module, builder, probe);
			CompilationSource source = probe.hit() ? probe.source() : CompilationSource.COMPILER;
			if (probe.invalidated()) {
				this.recovered.increment();
			}
			return new CompilationOutcome(factory, source, probe.bytes(), probe.invalidated());
		}
		catch (RuntimeException | LinkageError ex) {
			if (!probe.hit()) {
				throw ex;
			}
			// The entry passed verification but Chicory could not load it: replace it.
			invalidate(store, entryKey, digest, ex.toString());
			CompilationProbe writeOnly = new CompilationProbe(store, namespace, false, (key, reason) -> {
			}, this.faults);
			Function<Instance, Machine> factory = compileOrLoad(module, customizedBuilder(module), writeOnly);
			this.recovered.increment();
			return new CompilationOutcome(factory, CompilationSource.COMPILER, writeOnly.bytes(), true);
		}
	}

	/**
	 * Loads the module's entry if the probe finds one, else compiles the module and hands
	 * the probe its JAR. Chicory's own {@code compile()} with a cache writes that JAR at
	 * the default deflate level, which costs 15 to 45 % of the compile time; the
	 * {@link DirectCompiler} writes the same JAR at {@code BEST_SPEED} when it can.
	 */
	private static Function<Instance, Machine> compileOrLoad(WasmModule module, MachineFactoryCompiler.Builder builder,
			CompilationProbe probe) {
		if (DirectCompiler.AVAILABLE && probe.get(module.digest()) == null) {
			return DirectCompiler.compile(module, builder, probe);
		}
		// A hit (the probe answers Chicory's get with the entry it found), or no direct
		// compiler: Chicory's own path.
		return builder.withCache(probe).compile();
	}

	private void invalidate(@Nullable CacheNamespace store, String entryKey, String key, String reason) {
		if (store == null) {
			return;
		}
		boolean removed;
		try {
			removed = store.invalidate(key, reason);
		}
		catch (RuntimeException ex) {
			// Never let the cache fail a compilation; skip the entry instead.
			this.unusableEntries.add(entryKey);
			this.faults.record(CacheFault.Kind.DELETE, "Could not evict cache entry " + key + " (" + reason + ")", ex);
			return;
		}
		if (!removed) {
			// Left in place: skip it rather than load and replace it on every call.
			this.unusableEntries.add(entryKey);
		}
	}

	private @Nullable CacheNamespace namespacedCache(String namespace) {
		Cache cache = this.cache;
		// Without readable options, entries of different options could not be kept apart.
		if (cache == null || namespace.endsWith(UNREADABLE_OPTIONS)) {
			return null;
		}
		return this.namespacedCaches.computeIfAbsent(namespace, (name) -> (cache instanceof NamespacedCache namespaced)
				? namespaced.namespace(name) : new HashedKeyCache(cache, name, this.faults));
	}

	private MachineFactoryCompiler.Builder customizedBuilder(WasmModule module) {
		MachineFactoryCompiler.Builder builder = MachineFactoryCompiler.builder(module);
		for (MachineFactoryCompilerCustomizer customizer : this.customizers) {
			customizer.customize(builder);
		}
		return builder;
	}

	private String namespace(MachineFactoryCompiler.Builder builder) {
		String fingerprint = CompilerOptions.fingerprint(builder);
		return "chicory-" + this.version + "-" + ((fingerprint != null) ? fingerprint : UNREADABLE_OPTIONS);
	}

	private CompilationEvent record(CompilationEvent event) {
		long eventNanos = event.duration().toNanos();
		this.counts.get(event.source()).increment();
		this.nanos.get(event.source()).add(eventNanos);
		if (event.source() == CompilationSource.COMPILER && event.bytes() > 0) {
			this.compiledBytes.add(event.bytes());
			this.compileNanos.add(eventNanos);
		}
		else if (event.source() != CompilationSource.COMPILER) {
			this.reusedBytes.add(event.bytes());
		}
		for (CompilationListener listener : this.listeners) {
			try {
				listener.onCompilation(event);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Compilation listener " + listener + " failed", ex);
			}
		}
		return event;
	}

	private @Nullable Duration timeSaved() {
		long bytes = this.compiledBytes.sum();
		if (bytes == 0) {
			return null;
		}
		double nanosPerByte = (double) this.compileNanos.sum() / bytes;
		long avoided = (long) (nanosPerByte * this.reusedBytes.sum());
		long spent = this.nanos.get(CompilationSource.DISK).sum() + this.nanos.get(CompilationSource.REMOTE).sum()
				+ this.nanos.get(CompilationSource.MEMORY).sum();
		return Duration.ofNanos(Math.max(0, avoided - spent));
	}

	private static CompiledModuleMemory.Reusable await(CompletableFuture<CompiledModuleMemory.Reusable> running) {
		try {
			return running.join();
		}
		catch (CompletionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	private static Duration elapsed(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private static String sanitize(String version) {
		return version.replaceAll("[^a-z0-9._+-]", "-");
	}

	private record CompilationOutcome(Function<Instance, Machine> factory, CompilationSource source, long bytes,
			boolean recovered) {
	}

	/**
	 * Builds a {@link ChicoryCompiler}.
	 */
	public static final class Builder {

		private @Nullable Cache cache;

		private final List<MachineFactoryCompilerCustomizer> customizers = new ArrayList<>();

		private final List<CompilationListener> listeners = new ArrayList<>();

		private long memoryMaxEntries = DEFAULT_MEMORY_MAX_ENTRIES;

		private long memoryMaxBytes = DEFAULT_MEMORY_MAX_BYTES;

		private Builder() {
		}

		/**
		 * Sets the persistent cache, usually a {@link DirectoryCache}; without one,
		 * modules are compiled (and reused in this JVM) but not stored.
		 * @param cache the cache, or {@code null} for none
		 * @return this builder
		 */
		public Builder withCache(@Nullable Cache cache) {
			this.cache = cache;
			return this;
		}

		/**
		 * Adds a customizer, applied after those added before.
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder withCustomizer(MachineFactoryCompilerCustomizer customizer) {
			this.customizers.add(Objects.requireNonNull(customizer, "customizer"));
			return this;
		}

		/**
		 * Adds customizers, applied in order after those added before.
		 * @param customizers the customizers
		 * @return this builder
		 */
		public Builder withCustomizers(List<? extends MachineFactoryCompilerCustomizer> customizers) {
			customizers.forEach(this::withCustomizer);
			return this;
		}

		/**
		 * Adds a listener for compilation events.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder withListener(CompilationListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener"));
			return this;
		}

		/**
		 * Sets how many compiled modules are kept for reuse in this JVM (default 64);
		 * {@code 0} disables reuse.
		 * @param maxEntries the maximum number of modules
		 * @return this builder
		 */
		public Builder withMemoryMaxEntries(long maxEntries) {
			if (maxEntries < 0) {
				throw new IllegalArgumentException("maxEntries must not be negative, was " + maxEntries);
			}
			this.memoryMaxEntries = maxEntries;
			return this;
		}

		/**
		 * Sets the total size of compiled code kept for reuse in this JVM (default 128
		 * MiB).
		 * @param maxBytes the maximum size in bytes
		 * @return this builder
		 */
		public Builder withMemoryMaxBytes(long maxBytes) {
			if (maxBytes < 0) {
				throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
			}
			this.memoryMaxBytes = maxBytes;
			return this;
		}

		/**
		 * Builds the compiler.
		 * @return the compiler
		 */
		public ChicoryCompiler build() {
			return new ChicoryCompiler(this);
		}

	}

}
