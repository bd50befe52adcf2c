package io.github.chicorycache.compiler;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.Deflater;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.internal.ChicoryInternals;
import io.github.chicorycache.internal.ChicoryInternals.CompiledClasses;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: gets the compiled code of one module from its cache entry or by compiling it,
 * and heals the cache on the way: an entry that fails verification or fails to load is
 * invalidated and replaced by a fresh compilation, and the caller gets a working factory.
 * An entry that the cache cannot remove (a read-only or plain cache) is skipped from then
 * on rather than loaded and replaced on every call.
 */
public final class SelfHealingCompiler {

	private final Namespaces namespaces;

	private final FaultRecorder faults;

	private final Set<String> unusableEntries = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a compiler over the namespaces of a cache.
	 * @param namespaces the namespaces
	 * @param faults where failures of the cache are recorded
	 */
	public SelfHealingCompiler(Namespaces namespaces, FaultRecorder faults) {
		this.namespaces = namespaces;
		this.faults = faults;
	}

	/**
	 * Returns the compiled code of a module, loaded from the cache or compiled and
	 * stored.
	 * @param module the module
	 * @param builder the customized builder of the module
	 * @param rebuild makes another customized builder, needed if a loaded entry fails
	 * @param namespace the namespace of the builders' options
	 * @param digest the module digest
	 * @return the outcome
	 * @throws com.dylibso.chicory.wasm.ChicoryException (or another exception of
	 * Chicory's) if the module cannot be compiled
	 */
	public Outcome compile(WasmModule module, MachineFactoryCompiler.Builder builder,
			Supplier<MachineFactoryCompiler.Builder> rebuild, String namespace, String digest) {
		CacheNamespace store = this.namespaces.store(namespace);
		String entryKey = Namespaces.key(namespace, digest);
		CompilationProbe probe = new CompilationProbe(store, namespace, !this.unusableEntries.contains(entryKey),
				(key, reason) -> invalidate(store, entryKey, key, reason), this.faults);
		try {
			Function<Instance, Machine> factory = compileOrLoad(module, builder, probe);
			CompilationSource source = probe.hit() ? probe.source() : CompilationSource.COMPILER;
			return new Outcome(factory, source, probe.bytes(), probe.invalidated());
		}
		catch (RuntimeException | LinkageError ex) {
			if (!probe.hit()) {
				throw ex;
			}
			// The entry passed verification but Chicory could not load it: replace it.
			invalidate(store, entryKey, digest, ex.toString());
			CompilationProbe writeOnly = new CompilationProbe(store, namespace, false, (key, reason) -> {
			}, this.faults);
			Function<Instance, Machine> factory = compileOrLoad(module, rebuild.get(), writeOnly);
			return new Outcome(factory, CompilationSource.COMPILER, writeOnly.bytes(), true);
		}
	}

	/**
	 * Skips the entry of a key from now on, for example because reading it did not
	 * return.
	 * @param entryKey the key of {@link Namespaces#key}
	 */
	public void skip(String entryKey) {
		this.unusableEntries.add(entryKey);
	}

	/**
	 * Forgets that the entry of a key was unusable, so that it is read again.
	 * @param entryKey the key of {@link Namespaces#key}
	 */
	public void forget(String entryKey) {
		this.unusableEntries.remove(entryKey);
	}

	/**
	 * Forgets every entry found unusable.
	 */
	public void forgetAll() {
		this.unusableEntries.clear();
	}

	/**
	 * Loads the module's entry if the probe finds one, else compiles the module and hands
	 * the probe its JAR. Chicory's own {@code compile()} with a cache writes that JAR at
	 * the default deflate level; the internal compiler lets us write it at
	 * {@code BEST_SPEED} (see {@link EntryJar#write}).
	 */
	private static Function<Instance, Machine> compileOrLoad(WasmModule module, MachineFactoryCompiler.Builder builder,
			CompilationProbe probe) {
		if (ChicoryInternals.canCompile() && probe.get(module.digest()) == null) {
			CompiledClasses compiled = ChicoryInternals.compile(builder);
			probe.putIfAbsent(module.digest(),
					EntryJar.write(compiled.mainClass(), compiled.classes(), Deflater.BEST_SPEED));
			return new BoundMachineFactory(module, compiled.machineFactory());
		}
		// A hit (the probe answers Chicory's get with the entry it found), or no internal
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

	/**
	 * The compiled code of a module and where it came from.
	 *
	 * @param factory the machine factory, bound to the module
	 * @param source where the code came from
	 * @param bytes the size of the compiled code
	 * @param recovered whether a damaged entry was replaced on the way
	 */
	public record Outcome(Function<Instance, Machine> factory, CompilationSource source, long bytes,
			boolean recovered) {
	}

}
