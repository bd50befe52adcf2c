package io.github.chicorycache.compiler;

import java.io.IOException;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.spi.CacheHit;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: reads the entry of a module, as one compilation sees the cache: one lookup,
 * every failure of the cache absorbed (a failed read is a miss, recorded as a fault,
 * {@link Error}s included), and the entry checked before anything of it is used
 * ({@link CompiledJarVerifier#verify(byte[], String)}): it must carry the binding of its
 * namespace and key, so an entry of another module or namespace is never loaded.
 */
public final class EntryReader {

	private EntryReader() {
	}

	/**
	 * Reads and checks the entry of a module.
	 * @param store the cache namespace
	 * @param namespace its name, part of the binding
	 * @param digest the module digest, the key
	 * @param withMeta whether the meta part is wanted
	 * @param faults where failures of the cache are recorded
	 * @return what was found
	 */
	public static Found read(CacheNamespace store, String namespace, String digest, boolean withMeta,
			FaultRecorder faults) {
		CacheHit hit;
		try {
			hit = store.lookup(digest);
		}
		catch (IOException | RuntimeException | Error ex) {
			// An Error too (an OutOfMemoryError for a huge entry, say): the read path of
			// the cache must never fail a compilation.
			faults.record(CacheFault.Kind.READ, "Could not read the cache entry of " + digest, ex);
			return Found.MISS;
		}
		if (hit == null) {
			return Found.MISS;
		}
		try {
			EntryJar.Contents contents = CompiledJarVerifier.verify(hit.data(),
					CompiledJarVerifier.binding(namespace, digest), withMeta);
			return new Found(contents, hit.source(), null);
		}
		catch (CompiledJarVerifier.InvalidEntryException ex) {
			return new Found(null, hit.source(), ex.getMessage());
		}
		catch (RuntimeException | Error ex) {
			faults.record(CacheFault.Kind.READ, "Could not check the cache entry of " + digest, ex);
			return Found.MISS;
		}
	}

	/**
	 * What a read found.
	 *
	 * @param contents its contents, if it passed the check
	 * @param source the tier that had the entry
	 * @param invalid why the entry found is unusable, or {@code null}
	 */
	public record Found(EntryJar.@Nullable Contents contents, CompilationSource source, @Nullable String invalid) {

		static final Found MISS = new Found(null, CompilationSource.DISK, null);

	}

}
