package io.github.chicorycache.compiler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilerFixtures;
import io.github.chicorycache.compiler.CompiledJarVerifier.InvalidEntryException;
import io.github.chicorycache.testsupport.MapCache;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.github.chicorycache.CompilerFixtures.FUNC_GROUP;
import static io.github.chicorycache.CompilerFixtures.MAIN_CLASS;
import static io.github.chicorycache.CompilerFixtures.PROPERTIES;
import static io.github.chicorycache.CompilerFixtures.call;
import static io.github.chicorycache.CompilerFixtures.chicoryJar;
import static io.github.chicorycache.CompilerFixtures.classEntries;
import static io.github.chicorycache.CompilerFixtures.jarEntries;
import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.properties;
import static io.github.chicorycache.CompilerFixtures.with;
import static io.github.chicorycache.CompilerFixtures.without;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests of {@link CompiledJarVerifier} against JARs written by Chicory's compiler.
 */
class CompiledJarVerifierTests {

	/**
	 * 20 functions at 4 per class: a main class, five function groups, a machine-call
	 * class and the shaded runtime class.
	 */
	private static final byte[] SPLIT_JAR = chicoryJar(WasmModuleWriter.functions(20, 1),
			(builder) -> builder.withMaxFunctionsPerClass(4));

	private static final String BINDING = "chicory-cache chicory-1.7.5-0123456789abcdef sha-256:abc=";

	@TempDir
	Path temp;

	@Test
	void chicorysJarsPass() {
		assertThatNoException().isThrownBy(() -> CompiledJarVerifier.verify(SPLIT_JAR));
		assertThatNoException()
			.isThrownBy(() -> CompiledJarVerifier.verify(chicoryJar(WasmModuleWriter.functions(3, 1))));
		assertThatNoException()
			.isThrownBy(() -> CompiledJarVerifier.verify(chicoryJar(WasmModuleWriter.countVowels())));
		assertThatNoException().isThrownBy(() -> CompiledJarVerifier.verify(chicoryJar(WasmModuleWriter.functions(3, 1),
				(builder) -> builder.withClassName("com.example.wasm.Machine"))));
	}

	@Test
	void theSplitJarHasEveryKindOfGeneratedClass() {
		assertThat(classEntries(SPLIT_JAR)).contains(MAIN_CLASS)
			.anyMatch((name) -> name.endsWith("Shaded.class"))
			.anyMatch((name) -> name.endsWith("MachineCall.class"))
			.filteredOn((name) -> name.contains("FuncGroup_"))
			.hasSize(5);
	}

	static Stream<String> generatedClasses() {
		return classEntries(SPLIT_JAR).stream();
	}

	@ParameterizedTest
	@MethodSource("generatedClasses")
	void aJarWithoutAnyOneGeneratedClassFails(String omitted) {
		byte[] jar = without(SPLIT_JAR, omitted);
		String className = omitted.substring(0, omitted.length() - ".class".length()).replace('/', '.');
		assertThatExceptionOfType(InvalidEntryException.class).isThrownBy(() -> CompiledJarVerifier.verify(jar))
			.withMessageContaining(className)
			.withMessageContaining("missing");
	}

	@Test
	void aJarWithAClassOfACustomMainClassNameMissingFails() {
		byte[] jar = chicoryJar(WasmModuleWriter.functions(3, 1),
				(builder) -> builder.withClassName("com.example.wasm.Machine"));
		assertThat(classEntries(jar)).contains("com/example/wasm/MachineFuncGroup_0.class");
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(without(jar, "com/example/wasm/MachineFuncGroup_0.class")))
			.withMessageContaining("com.example.wasm.MachineFuncGroup_0");
	}

	@Test
	void aJarWithoutPropertiesFails() {
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(without(SPLIT_JAR, PROPERTIES)))
			.withMessageContaining("mainClass");
	}

	@Test
	void aJarWithoutMainClassPropertyFails() {
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(with(SPLIT_JAR, PROPERTIES, properties(null))))
			.withMessageContaining("mainClass");
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(with(SPLIT_JAR, PROPERTIES, properties(" "))));
	}

	@Test
	void aJarWhoseMainClassIsNotInItFails() {
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(with(SPLIT_JAR, PROPERTIES, properties("com.example.Nope"))))
			.withMessageContaining("com.example.Nope");
	}

	@Test
	void garbageEmptyAndTruncatedJarsFail() {
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(CompilerFixtures.garbage(4096, 3)));
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(new byte[0]));
		for (int length : new int[] { 10, SPLIT_JAR.length / 3, SPLIT_JAR.length / 2, SPLIT_JAR.length * 9 / 10 }) {
			assertThatExceptionOfType(InvalidEntryException.class).as("truncated to %d bytes", length)
				.isThrownBy(() -> CompiledJarVerifier.verify(Arrays.copyOf(SPLIT_JAR, length)));
		}
	}

	@Test
	void damagedClassFilesFail() {
		byte[] mainClass = jarEntries(SPLIT_JAR).get(MAIN_CLASS);
		byte[] badMagic = mainClass.clone();
		badMagic[0] = 0;
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(with(SPLIT_JAR, MAIN_CLASS, badMagic)))
			.withMessageContaining("not a class file");
		byte[] cut = Arrays.copyOf(mainClass, 40);
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(with(SPLIT_JAR, MAIN_CLASS, cut)))
			.withMessageContaining("damaged");
		byte[] badTag = mainClass.clone();
		badTag[10] = 99; // the first constant pool entry's tag
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(with(SPLIT_JAR, MAIN_CLASS, badTag)))
			.withMessageContaining("tag 99");
		// a damaged class that the main class reaches only through another class
		byte[] funcGroup = jarEntries(SPLIT_JAR).get(FUNC_GROUP);
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(with(SPLIT_JAR, FUNC_GROUP, Arrays.copyOf(funcGroup, 20))));
	}

	@Test
	void referencedClassesAreReadFromTheConstantPool() throws InvalidEntryException {
		Map<String, byte[]> entries = jarEntries(SPLIT_JAR);
		assertThat(CompiledJarVerifier.referencedClasses(entries.get(MAIN_CLASS), "main"))
			.contains("com/dylibso/chicory/$gen/CompiledMachine", "com/dylibso/chicory/runtime/Machine")
			.anyMatch(
					(name) -> name.startsWith("com/dylibso/chicory/$gen/CompiledMachine") && !name.endsWith("Machine"));
	}

	// --- binding

	@Test
	void aBoundJarCarriesItsBindingAndPasses() {
		byte[] entry = CompilerFixtures.asEntry(SPLIT_JAR);
		byte[] bound = CompiledJarVerifier.bind(entry, BINDING);
		assertThat(bound).hasSize(entry.length + BINDING.length());
		assertThat(CompiledJarVerifier.binding(bound)).isEqualTo(BINDING);
		assertThat(CompiledJarVerifier.hasBinding(bound, BINDING)).isTrue();
		assertThat(CompiledJarVerifier.hasBinding(bound, BINDING + "x")).isFalse();
		assertThatNoException().isThrownBy(() -> CompiledJarVerifier.verify(bound, BINDING));
		assertThatNoException().isThrownBy(() -> CompiledJarVerifier.verify(bound));
		// the original is not modified
		assertThat(CompiledJarVerifier.binding(entry)).isNull();
	}

	@Test
	void aBoundJarOfChicorysWithoutTheListOfItsClassesFails() {
		byte[] bound = CompiledJarVerifier.bind(SPLIT_JAR, BINDING);
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(bound, BINDING))
			.withMessageContaining("lists no classes");
	}

	@Test
	void aBoundEntryWithAClassMoreThanItListsFails() {
		byte[] bound = CompiledJarVerifier
			.bind(with(CompilerFixtures.asEntry(SPLIT_JAR), "com/example/Extra.class", new byte[] { 1 }), BINDING);
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(bound, BINDING))
			.withMessageContaining("com.example.Extra");
	}

	@Test
	void aJarBoundToSomethingElseOrNotBoundFails() {
		byte[] bound = CompiledJarVerifier.bind(SPLIT_JAR, BINDING);
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(bound, BINDING + "x"))
			.withMessageContaining(BINDING);
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(SPLIT_JAR, BINDING))
			.withMessageContaining("no binding");
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(CompilerFixtures.garbage(100, 1), BINDING));
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(new byte[0], BINDING));
	}

	@Test
	void aBoundButIncompleteJarFails() {
		byte[] bound = CompiledJarVerifier.bind(without(CompilerFixtures.asEntry(SPLIT_JAR), FUNC_GROUP), BINDING);
		assertThatExceptionOfType(InvalidEntryException.class)
			.isThrownBy(() -> CompiledJarVerifier.verify(bound, BINDING))
			.withMessageContaining("FuncGroup_0");
	}

	@Test
	void bindingIsOnlyAddedOnce() {
		byte[] bound = CompiledJarVerifier.bind(SPLIT_JAR, BINDING);
		assertThat(CompiledJarVerifier.bind(bound, "other")).isSameAs(bound);
		byte[] garbage = CompilerFixtures.garbage(100, 2);
		assertThat(CompiledJarVerifier.bind(garbage, BINDING)).isSameAs(garbage);
		assertThat(CompiledJarVerifier.binding(garbage)).isNull();
		assertThat(CompiledJarVerifier.binding(new byte[0])).isNull();
	}

	@Test
	void aBoundJarIsStillAJarForChicoryAndZipReaders() throws IOException {
		byte[] module = WasmModuleWriter.functions(20, 1);
		byte[] bound = CompiledJarVerifier.bind(chicoryJar(module), BINDING);
		assertThat(jarEntries(bound).keySet()).containsExactlyElementsOf(jarEntries(chicoryJar(module)).keySet());
		Path file = Files.write(this.temp.resolve("bound.jar"), bound);
		try (ZipFile zip = new ZipFile(file.toFile())) {
			assertThat(zip.getComment()).isEqualTo(BINDING);
			assertThat(zip.getEntry(PROPERTIES)).isNotNull();
		}
		WasmModule parsed = parse(module);
		Function<Instance, Machine> factory = MachineFactoryCompiler.builder(parsed).withCache(new Cache() {

			@Override
			public byte @Nullable [] get(String key) {
				return bound;
			}

			@Override
			public void putIfAbsent(String key, byte[] data) {
				throw new AssertionError("not expected: the entry is loaded");
			}

		}).compile();
		assertThat(call(parsed, factory, 19, 1)).isEqualTo(21);
	}

	@Test
	void theCompilerStoresBoundJars() {
		MapCache cache = new MapCache();
		ChicoryCompiler compiler = CompilerFixtures.compilerBuilder().withCache(cache).build();
		WasmModule module = parse(WasmModuleWriter.functions(3, 1));
		compiler.machineFactory(module);
		byte[] stored = cache.singleValue();
		assertThat(CompiledJarVerifier.binding(stored)).isEqualTo(CompilerFixtures.binding(compiler, module))
			.contains(compiler.namespace(), module.digest());
		assertThatNoException()
			.isThrownBy(() -> CompiledJarVerifier.verify(stored, CompilerFixtures.binding(compiler, module)));
		List<String> classes = classEntries(stored);
		assertThat(classes)
			.containsExactlyInAnyOrderElementsOf(classEntries(chicoryJar(WasmModuleWriter.functions(3, 1))));
	}

}
