package io.github.chicorycache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@link #load(byte[])} takes a module from its bytes to ready-to-run code with as little
 * work as the cache allows; {@link #machineFactory(WasmModule)} does it for a module the
 * caller parsed.
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
 * <li><b>Off the caller's thread:</b> a compiled module is stored by a background thread;
 * {@link #close()} writes what is still queued.</li>
 * </ul>
 * Modules without a digest compile without cache. A module that Chicory cannot compile
 * throws Chicory's exception unchanged and leaves nothing in the cache.
 */
public final class ChicoryCompiler implements AutoCloseable {

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

	/**
	 * Default number of compiled modules that may wait to be stored by the background
	 * writer.
	 */
	public static final int DEFAULT_STORE_QUEUE_CAPACITY = 16;

	/**
	 * Default time {@link #close()} waits for queued stores: 10 seconds.
	 */
	public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private final @Nullable Cache cache;

	private final CachingCompiler compiler;

	private final Duration closeTimeout;

	private ChicoryCompiler(Builder builder) {
		this.cache = builder.cache;
		this.closeTimeout = builder.closeTimeout;
		this.compiler = new CachingCompiler(builder.cache, builder.customizers, builder.listeners,
				builder.memoryMaxEntries, builder.memoryMaxBytes, builder.singleFlightTimeout,
				builder.storeQueueCapacity);
	}

	/**
	 * Returns a new builder.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Loads a module from its bytes, ready to run, using everything the cache knows:
	 * bytes loaded before in this JVM are not parsed again; bytes whose compiled code is
	 * in the cache are not decoded and validated (the module is made from the small meta
	 * module stored with the code, see {@link LoadedModule}, validated only if a body it
	 * keeps for the interpreter needs what the validator writes into some instructions);
	 * other bytes are parsed with validation, compiled, and stored for next time.
	 * @param bytes the module bytes (copied)
	 * @return the module and its machine factory
	 * @throws com.dylibso.chicory.wasm.ChicoryException (or another exception of
	 * Chicory's) if the bytes are no valid module or cannot be compiled
	 */
	public LoadedModule load(byte[] bytes) {
		// A copy: the bytes are hashed now and may be made into a meta module later.
		return this.compiler.load(bytes.clone());
	}

	/**
	 * Loads a module from a file, as {@link #load(byte[])} does.
	 * @param path the module file
	 * @return the module and its machine factory
	 * @throws IOException if the file cannot be read
	 */
	public LoadedModule load(Path path) throws IOException {
		return this.compiler.load(Files.readAllBytes(path));
	}

	/**
	 * Loads a module from a stream, read to its end (and not closed), as
	 * {@link #load(byte[])} does.
	 * @param in the module bytes
	 * @return the module and its machine factory
	 * @throws IOException if the stream cannot be read
	 */
	public LoadedModule load(InputStream in) throws IOException {
		return this.compiler.load(in.readAllBytes());
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
	 * Writes the compiled modules still waiting to be stored, for at most the
	 * {@link Builder#withCloseTimeout close timeout}, and stops the background writer.
	 * What is not written by then is dropped (counted in {@link CompilerStats}); a module
	 * compiled after {@code close} is stored on the caller's thread. Call it before the
	 * JVM exits (Spring does, for a bean), or the last compiled modules may not be
	 * stored.
	 */
	@Override
	public void close() {
		this.compiler.close(this.closeTimeout);
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

		private int storeQueueCapacity = DEFAULT_STORE_QUEUE_CAPACITY;

		private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

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
		 * Adds a customizer, applied after those added before. Customizers must set the
		 * same options for every module: they are applied to every compilation, but the
		 * options that name the cache {@link ChicoryCompiler#namespace() namespace} are
		 * read once.
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
		 * Sets how many compiled modules may wait to be stored (default
		 * {@value ChicoryCompiler#DEFAULT_STORE_QUEUE_CAPACITY}). A module is stored by a
		 * background thread, so that a miss costs the caller no more than the
		 * compilation; a module that finds the queue full is not stored (counted as a
		 * dropped store) and is compiled again on a later start. A waiting store holds
		 * the module's bytes and compiled classes. {@code 0} stores on the caller's
		 * thread, so that the entry exists when the call returns.
		 * @param capacity the queue capacity, {@code 0} for none
		 * @return this builder
		 */
		public Builder withStoreQueueCapacity(int capacity) {
			if (capacity < 0) {
				throw new IllegalArgumentException("capacity must not be negative, was " + capacity);
			}
			this.storeQueueCapacity = capacity;
			return this;
		}

		/**
		 * Sets how long {@link ChicoryCompiler#close()} waits for queued stores (default
		 * 10 seconds).
		 * @param timeout the maximum wait
		 * @return this builder
		 */
		public Builder withCloseTimeout(Duration timeout) {
			Objects.requireNonNull(timeout, "timeout");
			if (timeout.isNegative()) {
				throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
			}
			this.closeTimeout = timeout;
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
