package io.github.chicorycache.compiler;

import java.io.IOException;
import java.util.function.BiConsumer;

import com.dylibso.chicory.compiler.Cache;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.spi.CacheHit;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the {@link Cache} that one compilation sees: it records whether the compiled
 * code came from the store and how big it is, verifies what it loads, and absorbs every
 * failure of the store, so that no cache problem can make a compilation fail. What it
 * stores is bound to the namespace and the key (see {@link CompiledJarVerifier#bind}),
 * and what it loads must carry that binding, so an entry of another module or namespace
 * is never loaded.
 */
public final class CompilationProbe implements Cache {

	private final @Nullable CacheNamespace store;

	private final String namespace;

	private final boolean read;

	private final BiConsumer<String, String> invalidator;

	private final FaultRecorder faults;

	private byte @Nullable [] loaded;

	private CompilationSource source = CompilationSource.DISK;

	private boolean consulted;

	private long stored;

	private boolean invalidated;

	/**
	 * Creates a probe.
	 * @param store the cache to read and write, or {@code null} to only measure
	 * @param namespace the namespace that entries are bound to
	 * @param read whether to read from the store
	 * @param invalidator called with key and reason for an entry that fails verification,
	 * before the compiler stores its replacement
	 * @param faults where failures of the store are recorded
	 */
	public CompilationProbe(@Nullable CacheNamespace store, String namespace, boolean read,
			BiConsumer<String, String> invalidator, FaultRecorder faults) {
		this.store = store;
		this.namespace = namespace;
		this.read = read;
		this.invalidator = invalidator;
		this.faults = faults;
	}

	/**
	 * Reads, verifies and returns the entry of a key; a compilation concerns one key, so
	 * only the first call reads the store and later calls return its answer.
	 */
	@Override
	public byte @Nullable [] get(String key) {
		if (this.consulted) {
			return this.loaded;
		}
		this.consulted = true;
		if (this.store == null || !this.read) {
			return null;
		}
		byte[] bytes;
		try {
			CacheHit hit = this.store.lookup(key);
			if (hit == null) {
				return null;
			}
			bytes = hit.data();
			this.source = hit.source();
		}
		catch (IOException | RuntimeException | Error ex) {
			// An Error too (an OutOfMemoryError for a huge entry, say): the read path of
			// the cache must never fail a compilation.
			this.faults.record(CacheFault.Kind.READ, "Could not read the cache entry of " + key, ex);
			return null;
		}
		try {
			CompiledJarVerifier.verify(bytes, binding(key));
		}
		catch (CompiledJarVerifier.InvalidEntryException ex) {
			this.invalidated = true;
			this.invalidator.accept(key, ex.getMessage());
			return null;
		}
		catch (RuntimeException | Error ex) {
			this.faults.record(CacheFault.Kind.READ, "Could not verify the cache entry of " + key, ex);
			return null;
		}
		this.loaded = bytes;
		return bytes;
	}

	@Override
	public void putIfAbsent(String key, byte[] data) {
		if (this.store == null) {
			this.stored = data.length;
			return;
		}
		byte[] bound = CompiledJarVerifier.bind(data, binding(key));
		this.stored = bound.length;
		try {
			this.store.putIfAbsent(key, bound);
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.WRITE, "Could not store the cache entry of " + key, ex);
		}
	}

	private String binding(String key) {
		return CompiledJarVerifier.binding(this.namespace, key);
	}

	/**
	 * Returns whether the compiled code was loaded from the store.
	 * @return whether the compilation was a hit
	 */
	public boolean hit() {
		return this.loaded != null;
	}

	/**
	 * Returns the tier that the compiled code was loaded from, if it was a hit.
	 * @return the source of the hit
	 */
	public CompilationSource source() {
		return this.source;
	}

	/**
	 * Returns whether an entry failed verification and was invalidated.
	 * @return whether an entry was invalidated
	 */
	public boolean invalidated() {
		return this.invalidated;
	}

	/**
	 * Returns the size of the compiled code, loaded or stored.
	 * @return the size in bytes, {@code 0} if unknown
	 */
	public long bytes() {
		byte[] loaded = this.loaded;
		return (loaded != null) ? loaded.length : this.stored;
	}

}
