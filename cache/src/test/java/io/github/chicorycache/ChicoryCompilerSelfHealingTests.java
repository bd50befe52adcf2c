package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.CompilerFixtures.RecordingListener;
import io.github.chicorycache.compiler.CompiledJarVerifier;
import io.github.chicorycache.testsupport.MapCache;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.github.chicorycache.CompilerFixtures.FUNC_GROUP;
import static io.github.chicorycache.CompilerFixtures.MAIN_CLASS;
import static io.github.chicorycache.CompilerFixtures.PROPERTIES;
import static io.github.chicorycache.CompilerFixtures.call;
import static io.github.chicorycache.CompilerFixtures.compilerBuilder;
import static io.github.chicorycache.CompilerFixtures.directoryCache;
import static io.github.chicorycache.CompilerFixtures.entryFile;
import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.small;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Damaged cache entries never break a compilation: whatever is found under a module's
 * key, the caller gets a working factory, and the entry is replaced.
 */
class ChicoryCompilerSelfHealingTests {

	/**
	 * The module under test: {@code f<i>(x) = x + i + 1}.
	 */
	private static final byte[] MODULE = small(1);

	/**
	 * Another module of the same shape: {@code f<i>(x) = x + i + 2}. Its code runs
	 * without error for {@link #MODULE}, with wrong results.
	 */
	private static final byte[] OTHER_MODULE = small(2);

	@TempDir
	Path root;

	/**
	 * Damage written over the entry file, bypassing the cache: the directory cache's own
	 * checks catch it.
	 */
	enum FileDamage {

		GARBAGE, EMPTY, TRUNCATED, FLIPPED_BYTE, RAW_JAR_WITH_CLASS_MISSING, OTHER_MODULES_ENTRY_FILE

	}

	@ParameterizedTest
	@EnumSource(FileDamage.class)
	void aDamagedEntryFileIsReplacedAndTheCallerGetsAWorkingFactory(FileDamage damage) throws IOException {
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler first = compilerBuilder().withCache(cache).build();
		String namespace = first.namespace();
		WasmModule module = parse(MODULE);
		WasmModule other = parse(OTHER_MODULE);
		first.machineFactory(module);
		first.machineFactory(other);
		Path file = entryFile(cache, namespace, module);
		byte[] valid = Files.readAllBytes(file);
		byte[] damaged = switch (damage) {
			case GARBAGE -> CompilerFixtures.garbage(valid.length, 42);
			case EMPTY -> new byte[0];
			case TRUNCATED -> Arrays.copyOf(valid, valid.length / 2);
			case FLIPPED_BYTE -> {
				byte[] flipped = valid.clone();
				flipped[flipped.length / 2] ^= 0x10;
				yield flipped;
			}
			case RAW_JAR_WITH_CLASS_MISSING ->
				CompilerFixtures.without(CompilerFixtures.chicoryJar(MODULE), FUNC_GROUP);
			case OTHER_MODULES_ENTRY_FILE -> Files.readAllBytes(entryFile(cache, namespace, other));
		};
		Files.write(file, damaged);

		DirectoryCache reopened = directoryCache(this.root);
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler restarted = compilerBuilder().withCache(reopened).withListener(listener).build();
		WasmModule again = parse(MODULE);
		Function<Instance, Machine> factory = restarted.machineFactory(again);
		assertThat(call(again, factory, 3, 10)).isEqualTo(14);
		assertThat(listener.last().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(reopened.stats().corruptEntries()).isOne();
		assertThat(reopened.stats().evictions(EvictionCause.CORRUPT)).isOne();
		assertReplaced(module);
	}

	/**
	 * Valid cache entries (they pass the directory cache's checks) whose content is not
	 * the compiled module: the compiler's own checks, or loading, must catch them.
	 */
	enum BadPayload {

		/** Random bytes. */
		GARBAGE(null),
		/** Nothing. */
		EMPTY(null),
		/** The JAR bare Chicory writes for this module, not bound to it. */
		UNBOUND_CHICORY_JAR(null),
		/** The entry of another module of the same shape, bound to that module. */
		OTHER_MODULES_JAR(null),
		/** A function group class is missing. */
		CLASS_MISSING(null),
		/** The main class is missing. */
		MAIN_CLASS_MISSING(null),
		/** No {@code wasm-module.properties}. */
		PROPERTIES_MISSING(null),
		/** {@code wasm-module.properties} without {@code mainClass}. */
		MAIN_CLASS_PROPERTY_MISSING(null),
		/** The main class fails the JVM's bytecode verifier. */
		UNVERIFIABLE_CLASS(VerifyError.class),
		/** A class cut short after its constant pool. */
		TRUNCATED_CLASS(ClassFormatError.class),
		/** A class of a version that the JVM refuses. */
		UNREADABLE_CLASS_VERSION(UnsupportedClassVersionError.class),
		/** The main class is not a machine. */
		MAIN_CLASS_NOT_A_MACHINE(ClassCastException.class);

		/**
		 * What loading the entry throws, for damage that passes the compiler's
		 * verification; {@code null} if the verification catches it.
		 */
		final Class<? extends Throwable> failureOnLoad;

		BadPayload(Class<? extends Throwable> failureOnLoad) {
			this.failureOnLoad = failureOnLoad;
		}

		byte[] create(ChicoryCompiler compiler, WasmModule module) {
			byte[] valid = CompilerFixtures.boundJar(MODULE);
			String binding = CompilerFixtures.binding(compiler, module);
			return switch (this) {
				case GARBAGE -> CompilerFixtures.garbage(valid.length, 7);
				case EMPTY -> new byte[0];
				case UNBOUND_CHICORY_JAR -> CompilerFixtures.chicoryJar(MODULE);
				case OTHER_MODULES_JAR -> CompilerFixtures.boundJar(OTHER_MODULE);
				case CLASS_MISSING -> bind(CompilerFixtures.without(valid, FUNC_GROUP), binding);
				case MAIN_CLASS_MISSING -> bind(CompilerFixtures.without(valid, MAIN_CLASS), binding);
				case PROPERTIES_MISSING -> bind(CompilerFixtures.without(valid, PROPERTIES), binding);
				case MAIN_CLASS_PROPERTY_MISSING ->
					bind(CompilerFixtures.with(valid, PROPERTIES, CompilerFixtures.properties(null)), binding);
				case UNVERIFIABLE_CLASS ->
					bind(CompilerFixtures.transform(valid, MAIN_CLASS, CompilerFixtures::unverifiable), binding);
				case TRUNCATED_CLASS -> bind(
						CompilerFixtures.transform(valid, FUNC_GROUP, CompilerFixtures::truncatedAfterHeader), binding);
				case UNREADABLE_CLASS_VERSION ->
					bind(CompilerFixtures.transform(valid, FUNC_GROUP, CompilerFixtures::unsupportedVersion), binding);
				case MAIN_CLASS_NOT_A_MACHINE -> bind(
						CompilerFixtures.with(valid, PROPERTIES,
								CompilerFixtures.properties("com.dylibso.chicory.$gen.CompiledMachineFuncGroup_0")),
						binding);
			};
		}

		private static byte[] bind(byte[] jar, String binding) {
			byte[] bound = CompiledJarVerifier.bind(jar, binding);
			assertThat(CompiledJarVerifier.binding(bound)).isEqualTo(binding);
			return bound;
		}

	}

	@ParameterizedTest
	@EnumSource(BadPayload.class)
	void aValidEntryWithABadPayloadIsReplacedAndTheCallerGetsAWorkingFactory(BadPayload payload) {
		DirectoryCache cache = directoryCache(this.root);
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).withListener(listener).build();
		WasmModule module = parse(MODULE);
		byte[] bad = payload.create(compiler, module);
		String binding = CompilerFixtures.binding(compiler, module);
		DirectoryCache.Namespace namespace = cache.namespace(compiler.namespace());
		namespace.putIfAbsent(module.digest(), bad);
		assertThat(namespace.get(module.digest())).as("stored as a valid directory cache entry").isEqualTo(bad);

		Function<Instance, Machine> factory = compiler.machineFactory(module);
		assertThat(call(module, factory, 3, 10)).isEqualTo(14);
		assertThat(call(module, factory, 0, 0)).isEqualTo(1);
		CompilationEvent event = listener.last();
		assertThat(event.source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(event.recovered()).isTrue();
		assertThat(compiler.stats().recovered()).isOne();
		assertThat(compiler.stats().failures()).isZero();
		assertThat(cache.stats().corruptEntries()).isOne();
		assertThat(cache.stats().evictions(EvictionCause.CORRUPT)).isOne();
		assertThat(cache.stats().lastFault()).isNotNull();
		String reason = cache.stats().lastFault().message();
		if (payload.failureOnLoad != null) {
			// passed verification, caught when loading, by the recovery path
			assertThatNoException().isThrownBy(() -> CompiledJarVerifier.verify(bad, binding));
			assertThat(reason).contains(payload.failureOnLoad.getName());
		}
		else {
			assertThatExceptionOfType(CompiledJarVerifier.InvalidEntryException.class)
				.isThrownBy(() -> CompiledJarVerifier.verify(bad, binding));
			assertThat(reason).doesNotContain("Error", "Exception");
		}
		assertReplaced(module);
	}

	@Test
	void anotherModulesJarWouldRunWithWrongResultsWithoutTheBinding() {
		// What the binding protects against: bare Chicory runs another module's code.
		byte[] othersJar = CompilerFixtures.chicoryJar(OTHER_MODULE);
		WasmModule module = parse(MODULE);
		Function<Instance, Machine> factory = MachineFactoryCompiler.builder(module).withCache(new Cache() {

			@Override
			public byte[] get(String key) {
				return othersJar;
			}

			@Override
			public void putIfAbsent(String key, byte[] data) {
			}

		}).compile();
		assertThat(call(module, factory, 3, 10)).isEqualTo(15);
	}

	@ParameterizedTest
	@EnumSource(value = BadPayload.class, names = { "OTHER_MODULES_JAR", "CLASS_MISSING", "UNVERIFIABLE_CLASS" })
	void aBadEntryInAPlainCacheIsSkippedForTheLifeOfTheCompiler(BadPayload payload) {
		MapCache cache = new MapCache();
		ChicoryCompiler writer = compilerBuilder().withCache(cache).build();
		WasmModule module = parse(MODULE);
		writer.machineFactory(module);
		String key = cache.entries.keySet().iterator().next();
		byte[] bad = payload.create(writer, module);
		cache.entries.put(key, bad);

		ChicoryCompiler compiler = compilerBuilder().withCache(cache).withMemoryMaxEntries(0).build();
		int gets = cache.gets.get();
		WasmModule again = parse(MODULE);
		assertThat(call(again, compiler.machineFactory(again), 3, 10)).isEqualTo(14);
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isOne();
		assertThat(compiler.stats().recovered()).isOne();
		assertThat(cache.gets.get()).isEqualTo(gets + 1);
		// it cannot be deleted, and putIfAbsent does not overwrite it
		assertThat(cache.entries.get(key)).isSameAs(bad);

		// from now on the entry is not read again: compiled, not recovered again
		WasmModule third = parse(MODULE);
		assertThat(call(third, compiler.machineFactory(third), 7, 0)).isEqualTo(8);
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isEqualTo(2);
		assertThat(compiler.stats().recovered()).isOne();
		assertThat(cache.gets.get()).isEqualTo(gets + 1);

		// once the application repairs its cache and the compiler forgets, it is used
		cache.entries.remove(key);
		WasmModule fourth = parse(MODULE);
		compiler.clearMemory();
		compiler.machineFactory(fourth);
		assertThat(cache.entries).containsKey(key);
		WasmModule fifth = parse(MODULE);
		assertThat(call(fifth, compiler.machineFactory(fifth), 1, 1)).isEqualTo(3);
		assertThat(compiler.stats().compilations(CompilationSource.DISK)).isOne();
	}

	@Test
	void aGoodEntryInAPlainCacheIsUsed() {
		MapCache cache = new MapCache();
		compilerBuilder().withCache(cache).build().machineFactory(parse(MODULE));
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		WasmModule module = parse(MODULE);
		assertThat(call(module, compiler.machineFactory(module), 2, 2)).isEqualTo(5);
		assertThat(compiler.stats().compilations(CompilationSource.DISK)).isOne();
		assertThat(compiler.stats().recovered()).isZero();
		// keys are namespaced, yet still well-formed digests
		assertThat(cache.entries.keySet()).singleElement()
			.satisfies((key) -> assertThat(key).startsWith("sha-256:").isNotEqualTo(module.digest()));
	}

	@Test
	void aBadEntryInAReadOnlyCacheIsLeftInPlaceAndSkipped() {
		DirectoryCache writable = directoryCache(this.root);
		ChicoryCompiler writer = compilerBuilder().withCache(writable).build();
		WasmModule module = parse(MODULE);
		byte[] bad = BadPayload.CLASS_MISSING.create(writer, module);
		writable.namespace(writer.namespace()).putIfAbsent(module.digest(), bad);

		DirectoryCache readOnly = DirectoryCache.builder(this.root).withReadOnly(true).withCleanupOnOpen(false).build();
		ChicoryCompiler compiler = compilerBuilder().withCache(readOnly).withMemoryMaxEntries(0).build();
		for (int i = 0; i < 3; i++) {
			WasmModule again = parse(MODULE);
			assertThat(call(again, compiler.machineFactory(again), 3, 10)).isEqualTo(14);
		}
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isEqualTo(3);
		assertThat(compiler.stats().recovered()).isOne();
		assertThat(readOnly.stats().corruptEntries()).isOne();
		assertThat(readOnly.stats().hits()).isOne();
		assertThat(readOnly.namespace(writer.namespace()).get(module.digest())).isEqualTo(bad);
	}

	@Test
	void aLoadFailureWithoutACacheHitIsNotMistakenForADamagedEntry() {
		// A module Chicory cannot compile fails the same with a damaged entry present:
		// the entry is evicted, the compilation still fails with Chicory's exception.
		byte[] simd = WasmModuleWriter.simd();
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		WasmModule module = parse(simd);
		cache.namespace(compiler.namespace()).putIfAbsent(module.digest(), CompilerFixtures.garbage(100, 1));
		Throwable thrown = catchThrowable(() -> compiler.machineFactory(module));
		assertThat(thrown).isInstanceOf(ChicoryException.class);
		assertThat(compiler.stats().failures()).isOne();
		assertThat(CompilerFixtures.entryFiles(this.root)).isEmpty();
	}

	/**
	 * Asserts that the cache now holds a valid entry for the module: a new compiler loads
	 * it from disk and it works.
	 */
	private void assertReplaced(WasmModule module) {
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler fresh = compilerBuilder().withCache(cache).build();
		byte[] entry = cache.namespace(fresh.namespace()).get(module.digest());
		assertThat(entry).as("a valid entry exists").isNotNull();
		org.assertj.core.api.Assertions.assertThatNoException()
			.isThrownBy(() -> CompiledJarVerifier.verify(entry, CompilerFixtures.binding(fresh, module)));
		WasmModule again = parse(MODULE);
		Function<Instance, Machine> factory = fresh.machineFactory(again);
		assertThat(fresh.stats().compilations(CompilationSource.DISK)).isOne();
		assertThat(fresh.stats().recovered()).isZero();
		assertThat(call(again, factory, 7, 100)).isEqualTo(108);
	}

}
