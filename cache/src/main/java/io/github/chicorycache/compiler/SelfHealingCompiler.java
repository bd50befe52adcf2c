package io.github.chicorycache.compiler;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Section;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: gets the compiled code of one module from its cache entry or by compiling it,
 * and heals the cache on the way: an entry that fails its check, whose meta module is
 * damaged or inconsistent, or whose classes fail to load is invalidated and replaced by a
 * fresh compilation, and the caller gets working code. An entry that the cache cannot
 * remove (a read-only or plain cache) is skipped from then on rather than loaded and
 * replaced on every call. A compiled module is stored by the {@link EntryWriter}.
 */
public final class SelfHealingCompiler {

	private final Namespaces namespaces;

	private final Function<WasmModule, MachineFactoryCompiler.Builder> builders;

	private final EntryWriter writer;

	private final FaultRecorder faults;

	private final Set<String> unusableEntries = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a compiler over the namespaces of a cache.
	 * @param namespaces the namespaces
	 * @param builders makes the customized builder of a module
	 * @param writer stores compiled modules
	 * @param faults where failures of the cache are recorded
	 */
	public SelfHealingCompiler(Namespaces namespaces, Function<WasmModule, MachineFactoryCompiler.Builder> builders,
			EntryWriter writer, FaultRecorder faults) {
		this.namespaces = namespaces;
		this.builders = builders;
		this.writer = writer;
		this.faults = faults;
	}

	/**
	 * Returns the compiled code of a parsed module, loaded from the cache or compiled and
	 * stored.
	 * @param module the module
	 * @param namespace the namespace of the compiler's options
	 * @param digest the module digest
	 * @return the outcome, without module
	 * @throws com.dylibso.chicory.wasm.ChicoryException (or another exception of
	 * Chicory's) if the module cannot be compiled
	 */
	public Outcome compile(WasmModule module, String namespace, String digest) {
		return obtain(module, null, namespace, digest, null);
	}

	/**
	 * Returns a module made from its bytes and its compiled code: from the cache entry,
	 * with the entry's meta module if it has one (no decoding and validation of the
	 * compiled bodies), or parsed with validation, compiled and stored with a meta
	 * module.
	 * @param bytes the module bytes, not changed afterwards
	 * @param namespace the namespace of the compiler's options
	 * @param digest the digest of the bytes
	 * @param shared the decoding of the sections that a meta module shares with the
	 * bytes, started by {@link MetaModule#decodeSharedSections(byte[])}, or {@code null}
	 * @return the outcome, with the module
	 * @throws com.dylibso.chicory.wasm.ChicoryException (or another exception of
	 * Chicory's) if the bytes are no valid module or cannot be compiled
	 */
	public Outcome load(byte[] bytes, String namespace, String digest, @Nullable Forked<List<Section>> shared) {
		return obtain(null, bytes, namespace, digest, shared);
	}

	private Outcome obtain(@Nullable WasmModule given, byte @Nullable [] bytes, String namespace, String digest,
			@Nullable Forked<List<Section>> shared) {
		CacheNamespace store = this.namespaces.store(namespace);
		String entryKey = Namespaces.key(namespace, digest);
		WasmModule parsed = given;
		boolean recovered = false;
		if (store != null && !this.unusableEntries.contains(entryKey)) {
			EntryReader.Found found = EntryReader.read(store, namespace, digest, given == null, this.faults);
			EntryJar.Contents contents = found.contents();
			String invalid = found.invalid();
			if (contents != null) {
				WasmModule module = parsed;
				byte[] metaPart = contents.metaPart();
				if (module == null && (metaPart == null || !ModuleDigest.provesBytes())) {
					// An entry without meta part (machineFactory's), or a digest whose
					// collisions can be made: parse in full.
					parsed = ModuleParser.parse(bytes, digest, true);
					module = parsed;
				}
				Forked<Function<Instance, Machine>> classes = null;
				try {
					if (module == null) {
						// Define the classes beside the parse: neither needs the other.
						classes = Forked.start(() -> MachineCode.define(contents));
						module = MetaModule.parse(bytes, metaPart, digest, namespace, shared);
					}
					if (contents.functions() != MetaModule.functionCount(module)) {
						throw new IllegalArgumentException("the entry was compiled for " + contents.functions()
								+ " functions, the module has " + MetaModule.functionCount(module));
					}
					Function<Instance, Machine> factory = (classes != null) ? classes.join()
							: MachineCode.define(contents);
					return new Outcome(factory, found.source(), contents.classBytes(), false,
							(given != null) ? null : module);
				}
				catch (RuntimeException | LinkageError ex) {
					// The entry passed its check but its code or meta part is unusable.
					invalid = ex.toString();
				}
				finally {
					if (classes != null) {
						// Done, or no longer wanted: a pool thread does not start it now.
						classes.cancel();
					}
				}
			}
			if (invalid != null) {
				invalidate(store, entryKey, digest, invalid);
				recovered = true;
			}
		}
		WasmModule module;
		MachineCode.Compiled compiled;
		try {
			module = (parsed != null) ? parsed : ModuleParser.parse(bytes, digest, true);
			if (MetaModule.isMeta(module)) {
				throw new IllegalArgumentException("Module " + digest + " was loaded from the meta module of a cache "
						+ "entry that is gone; it has no code to compile. Load it from its bytes with "
						+ "ChicoryCompiler.load instead.");
			}
			compiled = MachineCode.compile(this.builders.apply(module));
		}
		catch (RuntimeException | Error ex) {
			if (store != null) {
				// No entry will come from this caller: do not keep others waiting for it.
				EntryWriter.abandon(store, digest);
			}
			throw ex;
		}
		if (store != null) {
			int functionImports = module.importSection().count(ExternalType.FUNCTION);
			this.writer.store(store, namespace, digest, compiled, MetaModule.functionCount(module),
					(bytes != null) ? new EntryWriter.ModuleSource(bytes, functionImports) : null);
		}
		return new Outcome(compiled.factory(), CompilationSource.COMPILER, compiled.size(), recovered,
				(given != null) ? null : module);
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

	private void invalidate(CacheNamespace store, String entryKey, String key, String reason) {
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
	 * @param factory the machine factory, bound to no module
	 * @param source where the code came from
	 * @param bytes the size of the compiled code
	 * @param recovered whether a damaged entry was replaced on the way
	 * @param module the module made from the bytes given to {@link #load}, or
	 * {@code null} for {@link #compile}
	 */
	public record Outcome(Function<Instance, Machine> factory, CompilationSource source, long bytes, boolean recovered,
			@Nullable WasmModule module) {
	}

}
