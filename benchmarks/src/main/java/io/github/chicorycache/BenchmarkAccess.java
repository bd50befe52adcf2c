package io.github.chicorycache;

import java.util.Map;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import io.github.chicorycache.compiler.CompiledJarVerifier;
import io.github.chicorycache.compiler.EntryJar;
import io.github.chicorycache.compiler.HashedKeyCache;
import io.github.chicorycache.compiler.Namespaces;
import io.github.chicorycache.internal.ChicoryInternals;
import io.github.chicorycache.spi.FaultRecorder;

/**
 * White-box access for the benchmarks to the package-private steps of the cache, so that
 * the cost of each can be measured on its own. Lives in the benchmarks module only.
 */
public final class BenchmarkAccess {

	private BenchmarkAccess() {
	}

	/**
	 * Binds a JAR to a namespace and key, as {@code CompilationProbe} does before
	 * storing.
	 * @param jar the JAR
	 * @param namespace the namespace
	 * @param key the module digest
	 * @return the bound JAR
	 */
	public static byte[] bind(byte[] jar, String namespace, String key) {
		return CompiledJarVerifier.bind(jar, CompiledJarVerifier.binding(namespace, key));
	}

	/**
	 * Verifies a bound JAR, as {@code CompilationProbe} does after reading.
	 * @param jar the bound JAR
	 * @param namespace the namespace
	 * @param key the module digest
	 */
	public static void verify(byte[] jar, String namespace, String key) {
		try {
			CompiledJarVerifier.verify(jar, CompiledJarVerifier.binding(namespace, key));
		}
		catch (CompiledJarVerifier.InvalidEntryException ex) {
			throw new IllegalStateException(ex.getMessage());
		}
	}

	/**
	 * Returns the key under which a {@link ChicoryCompiler} stores a module in a cache
	 * other than a {@link DirectoryCache} (see {@code HashedKeyCache}).
	 * @param namespace the namespace
	 * @param key the module digest
	 * @return the key in the underlying cache
	 */
	public static String hashedKey(String namespace, String key) {
		return new HashedKeyCache(new com.dylibso.chicory.compiler.Cache() {

			@Override
			public byte[] get(String k) {
				return null;
			}

			@Override
			public void putIfAbsent(String k, byte[] data) {
			}

		}, namespace, new FaultRecorder(java.time.Clock.systemUTC(), BenchmarkAccess.class)).key(key);
	}

	/**
	 * Computes the options fingerprint of a builder, as {@link ChicoryCompiler} does on
	 * every call.
	 * @param builder the builder
	 * @return the fingerprint
	 */
	public static String fingerprint(MachineFactoryCompiler.Builder builder) {
		return Namespaces.fingerprint(ChicoryInternals.compilerOptions(builder));
	}

	/**
	 * Writes compiled classes in the JAR layout the cache stores, at a given deflate
	 * level.
	 * @param mainClass the main class name
	 * @param classes the class bytes by class name, main class first
	 * @param level the deflate level
	 * @return the JAR
	 */
	public static byte[] jar(String mainClass, Map<String, byte[]> classes, int level) {
		return EntryJar.write(mainClass, classes, level);
	}

}
