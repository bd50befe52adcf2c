package io.github.chicorycache.compiler;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Section;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.CompilationEvent;
import io.github.chicorycache.CompilationListener;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.CompilerStats;
import io.github.chicorycache.LoadedModule;
import io.github.chicorycache.MachineFactoryCompilerCustomizer;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the work behind {@link ChicoryCompiler}: a module compiled earlier in this JVM
 * is reused from the {@link CompiledModuleMemory}; otherwise one caller per module (the
 * {@link SingleFlight}) gets its code from the {@link SelfHealingCompiler}, and callers
 * that arrive meanwhile share the result, or compile the module themselves if it takes
 * longer than the single-flight timeout. Every call is counted and reported to the
 * listeners.
 * <p>
 * The namespace is computed once: customizers are assumed to apply the same options to
 * every module, so a call that reuses compiled code costs a map lookup, not a
 * customization and a fingerprint.
 * <p>
 * In a fresh JVM, {@link #load} spends much of a hit on the digest of the bytes (SHA-256
 * runs interpreted until the JIT compiles it) and on first-time class initialization. Two
 * pieces of work that do not need the digest run beside it: the first namespace (the
 * digest then runs on a thread of its own, so that the customizers run on the caller's
 * thread), and the decoding of the sections a meta module shares with the bytes, on the
 * common pool (see {@link #decodesAhead}). In paired runs in fresh JVMs on two cores this
 * took 2 % off brotli's warm start, 9 % off tiktoken's, 5 % off wat2wasm's
 * (benchmarks/README.md).
 */
public final class CachingCompiler {

	/**
	 * The smallest valid module: magic number and version, nothing else.
	 */
	private static final byte[] EMPTY_MODULE = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };

	/**
	 * How many lengths of loaded bytes are remembered; beyond, nothing is decoded ahead.
	 */
	private static final int MAX_LOADED_LENGTHS = 4096;

	private final List<MachineFactoryCompilerCustomizer> customizers;

	private final List<CompilationListener> listeners;

	private final CompiledModuleMemory memory;

	private final FaultRecorder faults = new FaultRecorder(Clock.systemUTC(), ChicoryCompiler.class);

	private final Namespaces namespaces;

	private final EntryWriter writer;

	private final SelfHealingCompiler entries;

	private final SingleFlight<CompiledModuleMemory.Reusable> flights = new SingleFlight<>();

	private final CompilerStatsCounter stats = new CompilerStatsCounter();

	private final Duration singleFlightTimeout;

	private volatile @Nullable String namespace;

	/**
	 * The lengths of the bytes given to {@link #load} of this compiler since its memory
	 * was last cleared, up to {@link #MAX_LOADED_LENGTHS} of them (see
	 * {@link #decodesAhead}).
	 */
	private final Set<Integer> loadedLengths = ConcurrentHashMap.newKeySet();

	/**
	 * Creates the compiler.
	 * @param cache the persistent cache, or {@code null}
	 * @param customizers the customizers, in order
	 * @param listeners the listeners
	 * @param memoryMaxEntries how many modules to keep for reuse in this JVM
	 * @param memoryMaxBytes how much compiled code to keep for reuse in this JVM
	 * @param singleFlightTimeout how long a caller waits for another caller's compilation
	 * of the same module before it compiles the module itself
	 * @param storeQueueCapacity how many stores may wait for the background writer,
	 * {@code 0} to store on the caller's thread
	 */
	public CachingCompiler(@Nullable Cache cache, List<MachineFactoryCompilerCustomizer> customizers,
			List<CompilationListener> listeners, long memoryMaxEntries, long memoryMaxBytes,
			Duration singleFlightTimeout, int storeQueueCapacity) {
		this.singleFlightTimeout = singleFlightTimeout;
		this.customizers = List.copyOf(customizers);
		this.listeners = List.copyOf(listeners);
		this.memory = new CompiledModuleMemory(memoryMaxEntries, memoryMaxBytes);
		this.namespaces = new Namespaces(cache, this.faults);
		// Without a cache nothing is stored: no store thread.
		this.writer = new EntryWriter((cache != null) ? storeQueueCapacity : 0, this.faults);
		this.entries = new SelfHealingCompiler(this.namespaces, this::customizedBuilder, this.writer, this.faults);
	}

	/**
	 * See {@link ChicoryCompiler#compile(WasmModule)}.
	 * @param module the module
	 * @return the machine factory and its compilation event
	 */
	public Compilation compile(WasmModule module) {
		Objects.requireNonNull(module, "module");
		long start = System.nanoTime();
		String namespace = namespace();
		String digest = module.digest();
		String madeFor = MetaModule.isMeta(module) ? MetaModule.namespace(module) : namespace;
		if (!namespace.equals(madeFor)) {
			// The code of these options may interpret a function whose body it lacks.
			this.stats.recordFailure();
			throw new IllegalArgumentException("Module " + digest + " was loaded from the meta module of a cache "
					+ "entry of other compiler options (namespace " + madeFor + ", not " + namespace
					+ "): its compiled functions have no bodies, which the code of these options may "
					+ "need. Load it from its bytes with this compiler's ChicoryCompiler.load instead.");
		}
		if (digest == null) {
			Function<Instance, Machine> factory = compileWithoutReuse(module);
			return new Compilation(factory, record(new CompilationEvent(null, namespace, CompilationSource.COMPILER,
					elapsed(start), 0, false, false)));
		}
		Obtained obtained = obtain(Namespaces.key(namespace, digest), digest,
				() -> this.entries.compile(module, namespace, digest));
		return new Compilation(new BoundMachineFactory(module, obtained.code().factory()),
				record(obtained.event(digest, namespace, start)));
	}

	/**
	 * See {@link ChicoryCompiler#load(byte[])}.
	 * @param bytes the module bytes, owned by this compiler from now on
	 * @return the loaded module
	 */
	public LoadedModule load(byte[] bytes) {
		long start = System.nanoTime();
		// Work that does not need the digest runs beside it (see the class comment).
		Forked<List<Section>> shared = decodesAhead(bytes) ? MetaModule.decodeSharedSections(bytes) : null;
		try {
			String digest;
			String namespace = this.namespace;
			if (namespace == null) {
				// The first namespace runs the customizers: on the caller's thread, whose
				// thread locals, locks and class initializations they may need (another
				// thread would wait for the initialization of the class that loads, and
				// the load for it). The digest, which runs no one's code, runs beside.
				Forked<@Nullable String> digestAhead = Forked.startOnOwnThread(() -> ModuleDigest.of(bytes),
						"chicory-cache-digest");
				namespace = namespace();
				digest = digestAhead.join();
			}
			else {
				digest = ModuleDigest.of(bytes);
			}
			if (digest == null) {
				WasmModule module = ModuleParser.parse(bytes, null, true);
				Function<Instance, Machine> factory = compileWithoutReuse(module);
				return new LoadedModule(module, factory, record(new CompilationEvent(null, namespace,
						CompilationSource.COMPILER, elapsed(start), 0, false, false)));
			}
			return load(bytes, digest, namespace, shared, start);
		}
		finally {
			if (shared != null) {
				// Used, or of no use: not started now if it has not started yet.
				shared.cancel();
			}
		}
	}

	private LoadedModule load(byte[] bytes, String digest, String namespace, @Nullable Forked<List<Section>> shared,
			long start) {
		String key = Namespaces.key(namespace, digest);
		Obtained obtained = obtain(key, digest, () -> this.entries.load(bytes, namespace, digest, shared));
		CompiledModuleMemory.Reusable code = obtained.code();
		WasmModule module = code.module();
		if (module == null) {
			// Compiled by machineFactory in this JVM, or the module was collected.
			module = ModuleParser.parse(bytes, digest, true);
			this.memory.put(key, new CompiledModuleMemory.Reusable(code.factory(), code.size(), module));
		}
		return new LoadedModule(module, new BoundMachineFactory(module, code.factory()),
				record(obtained.event(digest, namespace, start)));
	}

	/**
	 * Returns whether to decode ahead, beside the digest, the sections that the meta
	 * module of a cache entry shares with the bytes: only if a hit of a stored entry can
	 * use them (a persistent cache, a digest that proves the bytes), and only for the
	 * first bytes of their length given to this compiler since its memory was cleared.
	 * Bytes of a length loaded before are most likely the same module, whose code this
	 * compiler holds: decoding ahead for them would cost every reuse a decode on the
	 * common pool, for nothing. (A module whose code the memory dropped to make room is
	 * read from the cache without decoding ahead.)
	 */
	private boolean decodesAhead(byte[] bytes) {
		return this.namespaces.hasCache() && ModuleDigest.provesBytes()
				&& this.loadedLengths.size() < MAX_LOADED_LENGTHS && this.loadedLengths.add(bytes.length);
	}

	/**
	 * Gets the code of a key from the memory, from the flight of another caller, or by
	 * doing the work.
	 */
	private Obtained obtain(String key, String digest, Supplier<SelfHealingCompiler.Outcome> work) {
		CompiledModuleMemory.Reusable reused = this.memory.get(key);
		if (reused != null) {
			return new Obtained(reused, CompilationSource.MEMORY, false, false);
		}
		SingleFlight.Flight<CompiledModuleMemory.Reusable> flight = this.flights.begin(key);
		while (!flight.leader()) {
			try {
				return new Obtained(flight.await(this.singleFlightTimeout), CompilationSource.MEMORY, false, true);
			}
			catch (TimeoutException ex) {
				// Never wait forever: the leader may be stuck in a read that does not
				// return. Compile without that entry, and let later callers follow us.
				this.faults.record(CacheFault.Kind.TIMEOUT,
						"The compilation of " + digest + " by another caller " + "did not finish within "
								+ this.singleFlightTimeout + "; compiling it again without "
								+ "reading its cache entry, which is skipped from now on",
						null);
				this.entries.skip(key);
				flight = this.flights.takeOver(flight);
			}
			catch (RuntimeException | Error ex) {
				this.stats.recordFailure();
				throw ex;
			}
		}
		try {
			// Another thread may have finished this module between our two looks.
			reused = this.memory.get(key);
			if (reused != null) {
				flight.complete(reused);
				return new Obtained(reused, CompilationSource.MEMORY, false, false);
			}
			SelfHealingCompiler.Outcome outcome = work.get();
			if (outcome.recovered()) {
				this.stats.recordRecovered();
			}
			CompiledModuleMemory.Reusable code = new CompiledModuleMemory.Reusable(outcome.factory(), outcome.bytes(),
					outcome.module());
			this.memory.put(key, code);
			flight.complete(code);
			return new Obtained(code, outcome.source(), outcome.recovered(), false);
		}
		catch (RuntimeException | Error ex) {
			this.stats.recordFailure();
			flight.fail(ex);
			throw ex;
		}
		finally {
			flight.end();
		}
	}

	/**
	 * See {@link ChicoryCompiler#namespace()}.
	 * @return the namespace of this compiler's options
	 */
	public String namespace() {
		String namespace = this.namespace;
		if (namespace == null) {
			// Without customizers, no builder: a hit then never initializes the compiler.
			namespace = this.customizers.isEmpty() ? this.namespaces.ofUncustomized() : null;
			if (namespace == null) {
				namespace = this.namespaces.of(customizedBuilder(EmptyModule.MODULE));
			}
			this.namespace = namespace;
		}
		return namespace;
	}

	/**
	 * See {@link ChicoryCompiler#chicoryVersion()}.
	 * @return the version
	 */
	public String chicoryVersion() {
		return this.namespaces.version();
	}

	/**
	 * See {@link ChicoryCompiler#stats()}.
	 * @return the statistics
	 */
	public CompilerStats stats() {
		return this.stats.snapshot(this.memory.usage(), this.faults, this.writer.dropped());
	}

	/**
	 * See {@link ChicoryCompiler#clearMemory()}.
	 */
	public void clearMemory() {
		this.memory.clear();
		// Modules loaded before are read from the cache again: worth decoding ahead.
		this.loadedLengths.clear();
		this.entries.forgetAll();
	}

	/**
	 * See {@link ChicoryCompiler#evict(String)}.
	 * @param digest the module digest
	 * @return whether an entry was removed from the cache
	 */
	public boolean evict(String digest) {
		Objects.requireNonNull(digest, "digest");
		String namespace = namespace();
		String key = Namespaces.key(namespace, digest);
		this.memory.evict(key);
		this.entries.forget(key);
		CacheNamespace store = this.namespaces.store(namespace);
		return store != null && store.evict(digest);
	}

	/**
	 * See {@link ChicoryCompiler#clear()}.
	 * @return how many cache entries were removed
	 */
	public long clear() {
		clearMemory();
		return this.namespaces.removeAll();
	}

	/**
	 * See {@link ChicoryCompiler#close()}.
	 * @param timeout how long to wait for queued stores
	 * @return whether every queued store was written
	 */
	public boolean close(Duration timeout) {
		return this.writer.close(timeout);
	}

	private Function<Instance, Machine> compileWithoutReuse(WasmModule module) {
		try {
			return customizedBuilder(module).compile();
		}
		catch (RuntimeException | Error ex) {
			this.stats.recordFailure();
			throw ex;
		}
	}

	private MachineFactoryCompiler.Builder customizedBuilder(WasmModule module) {
		MachineFactoryCompiler.Builder builder = MachineFactoryCompiler.builder(module);
		for (MachineFactoryCompilerCustomizer customizer : this.customizers) {
			customizer.customize(builder);
		}
		return builder;
	}

	private CompilationEvent record(CompilationEvent event) {
		this.stats.recordCompilation(event);
		for (CompilationListener listener : this.listeners) {
			try {
				listener.onCompilation(event);
			}
			catch (RuntimeException ex) {
				logger().log(Level.WARNING, "Compilation listener " + listener + " failed", ex);
			}
		}
		return event;
	}

	private static Duration elapsed(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/**
	 * Looked up when something is logged, not when this class loads: a logger initializes
	 * the logging system, which costs a fresh JVM tens of milliseconds on the way to its
	 * first module.
	 */
	private static Logger logger() {
		return System.getLogger(ChicoryCompiler.class.getName());
	}

	/**
	 * The module whose customized builder gives the options of the namespace, parsed once
	 * per JVM (without digest or validation: only the options of a builder are read).
	 */
	private static final class EmptyModule {

		static final WasmModule MODULE = ModuleParser.parse(EMPTY_MODULE, null, false);

	}

	/**
	 * Code obtained for a caller and how.
	 */
	private record Obtained(CompiledModuleMemory.Reusable code, CompilationSource source, boolean recovered,
			boolean shared) {

		CompilationEvent event(String digest, String namespace, long start) {
			return new CompilationEvent(digest, namespace, this.source, elapsed(start), this.code.size(),
					this.recovered, this.shared);
		}

	}

}
