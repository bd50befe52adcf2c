package io.github.chicorycache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.compiler.CachingCompiler;
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

	/**
	 * Default time a caller waits for another caller's compilation of the same module
	 * before it compiles the module itself: 2 minutes, several times the longest
	 * compilations seen (about 25 s), so that it only ends waits on a compilation that is
	 * stuck.
	 */
	public static final Duration DEFAULT_SINGLE_FLIGHT_TIMEOUT = Duration.ofMinutes(2);

	private final @Nullable Cache cache;

	private final CachingCompiler compiler;

	private ChicoryCompiler(Builder builder) {
		this.cache = builder.cache;
		this.compiler = new CachingCompiler(builder.cache, builder.customizers, builder.listeners,
				builder.memoryMaxEntries, builder.memoryMaxBytes, builder.singleFlightTimeout);
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
		return this.compiler.compile(module);
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
		return this.compiler.namespace();
	}

	/**
	 * Returns the Chicory compiler version that is part of the namespace.
	 * @return the version
	 */
	public String chicoryVersion() {
		return this.compiler.chicoryVersion();
	}

	/**
	 * Returns the persistent cache, if any.
	 * @return the cache or {@code null}
	 */
	public @Nullable Cache cache() {
		return this.cache;
	}

	/**
	 * Returns a snapshot of this compiler's statistics; cheap, it only reads counters.
	 * @return the statistics
	 */
	public CompilerStats stats() {
		return this.compiler.stats();
	}

	/**
	 * Forgets the compiled modules held for reuse in this JVM; later calls read the cache
	 * again.
	 */
	public void clearMemory() {
		this.compiler.clearMemory();
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
		return this.compiler.evict(digest);
	}

	/**
	 * Removes every entry of the cache (all namespaces), where the cache can, and forgets
	 * every compiled module held in this JVM.
	 * @return how many cache entries were removed
	 * @throws IllegalStateException if the cache cannot be written
	 */
	public long clear() {
		return this.compiler.clear();
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

		private Duration singleFlightTimeout = DEFAULT_SINGLE_FLIGHT_TIMEOUT;

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
		 * Sets how long a caller waits for another caller's compilation of the same
		 * module (default {@link ChicoryCompiler#DEFAULT_SINGLE_FLIGHT_TIMEOUT 2
		 * minutes}). Past it, the caller compiles the module itself without reading its
		 * cache entry, and the wait is reported as a {@link CacheFault.Kind#TIMEOUT}
		 * fault: a compilation stuck for good, for example in a read that never returns,
		 * holds up no one else.
		 * @param timeout the maximum wait, positive
		 * @return this builder
		 */
		public Builder withSingleFlightTimeout(Duration timeout) {
			Objects.requireNonNull(timeout, "timeout");
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("timeout must be positive, was " + timeout);
			}
			this.singleFlightTimeout = timeout;
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
