package io.github.chicorycache.compiler;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import io.github.chicorycache.internal.ChicoryInternals;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import io.github.chicorycache.spi.NamespacedCache;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the namespaces of the cache, which keep apart the code of different Chicory
 * versions and compiler options, and the view of the cache for each.
 * <p>
 * A namespace is {@code chicory-<compiler version>-<fingerprint>}, the fingerprint of the
 * compiler options, of the JVM system properties that the compiler reads and of the
 * layout of this library's entries ({@link #ENTRY_FORMAT}). A {@link NamespacedCache}
 * (such as {@link io.github.chicorycache.DirectoryCache}) provides its own view per
 * namespace; any other {@link Cache} is adapted by a {@link HashedKeyCache}, which hashes
 * keys with the namespace.
 */
public final class Namespaces {

	/**
	 * Namespace suffix when the compiler options cannot be read; such modules are not
	 * stored, since entries of different options could not be kept apart.
	 */
	public static final String UNREADABLE_OPTIONS = "unreadable-options";

	/**
	 * Version of the layout of the entries ({@link EntryJar}), part of every fingerprint:
	 * when it changes, entries of the old layout are simply not found, and age out.
	 */
	static final String ENTRY_FORMAT = "3";

	private final @Nullable Cache cache;

	private final FaultRecorder faults;

	private final String version = sanitize(ChicoryInternals.chicoryVersion());

	private final Map<String, CacheNamespace> views = new ConcurrentHashMap<>();

	/**
	 * Creates the namespaces of a cache.
	 * @param cache the cache, or {@code null} for none
	 * @param faults where the views report the failures they absorb
	 */
	public Namespaces(@Nullable Cache cache, FaultRecorder faults) {
		this.cache = cache;
		this.faults = faults;
	}

	/**
	 * Returns whether there is a cache to keep compiled code in.
	 * @return whether there is a cache
	 */
	public boolean hasCache() {
		return this.cache != null;
	}

	/**
	 * Returns the Chicory compiler version, as it appears in namespaces.
	 * @return the version
	 */
	public String version() {
		return this.version;
	}

	/**
	 * Returns the namespace of modules compiled with a customized builder's options in
	 * this JVM: the fingerprint covers the options and the JVM system properties that the
	 * compiler in use reads ({@link ChicoryInternals#compilerSystemProperties()}).
	 * @param builder the builder after customization
	 * @return the namespace
	 */
	public String of(MachineFactoryCompiler.Builder builder) {
		return of(ChicoryInternals.compilerOptions(builder));
	}

	/**
	 * Returns the namespace of modules compiled with the options of a builder no one
	 * customized, without making one (see
	 * {@link ChicoryInternals#uncustomizedCompilerOptions()}): the same as
	 * {@link #of(MachineFactoryCompiler.Builder)} gives for such a builder.
	 * @return the namespace, or {@code null} if it takes a builder to know it
	 */
	public @Nullable String ofUncustomized() {
		Map<String, String> options = ChicoryInternals.uncustomizedCompilerOptions();
		return (options != null) ? of(options) : null;
	}

	private String of(@Nullable Map<String, String> options) {
		if (options == null) {
			return "chicory-" + this.version + "-" + UNREADABLE_OPTIONS;
		}
		Map<String, String> inputs = new TreeMap<>(options);
		ChicoryInternals.compilerSystemProperties().forEach((name, value) -> inputs.put("-D" + name, value));
		inputs.put("entry-format", ENTRY_FORMAT);
		return "chicory-" + this.version + "-" + fingerprint(inputs);
	}

	/**
	 * Returns the key of a module in the in-JVM memory and the single flight.
	 * @param namespace the namespace
	 * @param digest the module digest
	 * @return the key
	 */
	public static String key(String namespace, String digest) {
		return namespace + "/" + digest;
	}

	/**
	 * Returns the view of the cache for a namespace.
	 * @param namespace the namespace
	 * @return the view, or {@code null} without a cache or for a namespace whose options
	 * could not be read
	 */
	public @Nullable CacheNamespace store(String namespace) {
		Cache cache = this.cache;
		if (cache == null || namespace.endsWith(UNREADABLE_OPTIONS)) {
			return null;
		}
		return this.views.computeIfAbsent(namespace, (name) -> (cache instanceof NamespacedCache namespaced)
				? namespaced.namespace(name) : new HashedKeyCache(cache, name, this.faults));
	}

	/**
	 * Removes every entry of every namespace, where the cache can.
	 * @return how many entries were removed
	 */
	public long removeAll() {
		return (this.cache instanceof NamespacedCache namespaced) ? namespaced.removeAll() : 0;
	}

	/**
	 * Returns a short, stable fingerprint of compiler options.
	 * @param options the options by name, in a stable order
	 * @return 16 hex characters
	 */
	public static String fingerprint(Map<String, String> options) {
		byte[] hash = Sha256.digest(options.toString().getBytes(StandardCharsets.UTF_8));
		return HexFormat.of().formatHex(hash, 0, 8);
	}

	private static String sanitize(String version) {
		return version.replaceAll("[^a-z0-9._+-]", "-");
	}

}
