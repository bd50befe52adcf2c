package io.github.chicorycache.compiler;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.CompiledModule;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.CompilationEvent;
import io.github.chicorycache.CompilationListener;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.CompilerStats;
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
 */
public final class CachingCompiler {

	private static final Logger logger = System.getLogger(ChicoryCompiler.class.getName());

	/**
	 * The smallest valid module: magic number and version, nothing else.
	 */
	private static final byte[] EMPTY_MODULE = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };

	private final List<MachineFactoryCompilerCustomizer> customizers;

	private final List<CompilationListener> listeners;

	private final CompiledModuleMemory memory;

	private final FaultRecorder faults = new FaultRecorder(Clock.systemUTC(), ChicoryCompiler.class);

	private final Namespaces namespaces;

	private final SelfHealingCompiler entries;

	private final SingleFlight<CompiledModuleMemory.Reusable> flights = new SingleFlight<>();

	private final CompilerStatsCounter stats = new CompilerStatsCounter();

	private final Duration singleFlightTimeout;

	private volatile @Nullable String defaultNamespace;

	/**
	 * Creates the compiler.
	 * @param cache the persistent cache, or {@code null}
	 * @param customizers the customizers, in order
	 * @param listeners the listeners
	 * @param memoryMaxEntries how many modules to keep for reuse in this JVM
	 * @param memoryMaxBytes how much compiled code to keep for reuse in this JVM
	 * @param singleFlightTimeout how long a caller waits for another caller's compilation
	 * of the same module before it compiles the module itself
	 */
	public CachingCompiler(@Nullable Cache cache, List<MachineFactoryCompilerCustomizer> customizers,
			List<CompilationListener> listeners, long memoryMaxEntries, long memoryMaxBytes,
			Duration singleFlightTimeout) {
		this.singleFlightTimeout = singleFlightTimeout;
		this.customizers = List.copyOf(customizers);
		this.listeners = List.copyOf(listeners);
		this.memory = new CompiledModuleMemory(memoryMaxEntries, memoryMaxBytes);
		this.namespaces = new Namespaces(cache, this.faults);
		this.entries = new SelfHealingCompiler(this.namespaces, this.faults);
	}

	/**
	 * See {@link ChicoryCompiler#compile(WasmModule)}.
	 * @param module the module
	 * @return the machine factory and its compilation event
	 */
	public Compilation compile(WasmModule module) {
		Objects.requireNonNull(module, "module");
		long start = System.nanoTime();
		MachineFactoryCompiler.Builder builder = customizedBuilder(module);
		String namespace = this.namespaces.of(builder);
		String digest = module.digest();
		if (digest == null) {
			return compileWithoutReuse(builder, namespace, start);
		}
		String key = Namespaces.key(namespace, digest);
		CompiledModuleMemory.Reusable reused = this.memory.get(key);
		if (reused != null) {
			return reuse(module, reused, digest, namespace, start, false);
		}
		SingleFlight.Flight<CompiledModuleMemory.Reusable> flight = this.flights.begin(key);
		while (!flight.leader()) {
			try {
				return reuse(module, flight.await(this.singleFlightTimeout), digest, namespace, start, true);
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
				return reuse(module, reused, digest, namespace, start, false);
			}
			SelfHealingCompiler.Outcome outcome = this.entries.compile(module, builder, () -> customizedBuilder(module),
					namespace, digest);
			if (outcome.recovered()) {
				this.stats.recordRecovered();
			}
			Function<Instance, Machine> factory = outcome.factory();
			Function<Instance, Machine> shared = (factory instanceof CompiledModule compiled)
					? compiled.machineFactory() : null;
			if (shared != null) {
				this.memory.put(key, shared, outcome.bytes());
			}
			flight.complete(new CompiledModuleMemory.Reusable((shared != null) ? shared : factory, outcome.bytes()));
			return new Compilation(factory, record(new CompilationEvent(digest, namespace, outcome.source(),
					elapsed(start), outcome.bytes(), outcome.recovered(), false)));
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
	 * @return the namespace of the default options
	 */
	public String namespace() {
		String namespace = this.defaultNamespace;
		if (namespace == null) {
			namespace = this.namespaces.of(customizedBuilder(Parser.parse(EMPTY_MODULE)));
			this.defaultNamespace = namespace;
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
		return this.stats.snapshot(this.memory.usage(), this.faults);
	}

	/**
	 * See {@link ChicoryCompiler#clearMemory()}.
	 */
	public void clearMemory() {
		this.memory.clear();
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

	private Compilation compileWithoutReuse(MachineFactoryCompiler.Builder builder, String namespace, long start) {
		try {
			Function<Instance, Machine> factory = builder.compile();
			return new Compilation(factory, record(new CompilationEvent(null, namespace, CompilationSource.COMPILER,
					elapsed(start), 0, false, false)));
		}
		catch (RuntimeException | Error ex) {
			this.stats.recordFailure();
			throw ex;
		}
	}

	private Compilation reuse(WasmModule module, CompiledModuleMemory.Reusable reused, String digest, String namespace,
			long start, boolean shared) {
		CompilationEvent event = record(new CompilationEvent(digest, namespace, CompilationSource.MEMORY,
				elapsed(start), reused.size(), false, shared));
		return new Compilation(new BoundMachineFactory(module, reused.factory()), event);
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
				logger.log(Level.WARNING, "Compilation listener " + listener + " failed", ex);
			}
		}
		return event;
	}

	private static Duration elapsed(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

}
