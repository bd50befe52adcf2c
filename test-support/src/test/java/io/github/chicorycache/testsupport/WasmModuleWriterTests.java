package io.github.chicorycache.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Proves that {@link WasmModuleWriter} produces valid, correct modules by running them
 * with Chicory, both interpreted and compiled, and that {@link RealModules} finds its
 * resources.
 */
class WasmModuleWriterTests {

	@ParameterizedTest
	@EnumSource(Engine.class)
	void functionsModuleReturnsArgumentPlusIndexPlusSeed(Engine engine) {
		WasmModule module = Parser.parse(WasmModuleWriter.functions(1000, 7));
		assertThat(module.functionSection().functionCount()).isEqualTo(1000);
		assertThat(module.typeSection().typeCount()).isEqualTo(1);
		Instance instance = engine.instantiate(module);
		assertThat(call(instance, "f0", 1)).isEqualTo(8);
		assertThat(call(instance, "f127", 1)).isEqualTo(135);
		assertThat(call(instance, "f500", -10)).isEqualTo(497);
		assertThat(call(instance, "f999", 1)).isEqualTo(1007);
		assertThat(call(instance, WasmModuleWriter.exportName(998), 0)).isEqualTo(1005);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 62, 63, 64, -1, -64, -65, 8190, 8191, 8192, -8192, -8193, 1_048_575, -1_048_577,
			Integer.MAX_VALUE - 1, Integer.MIN_VALUE })
	void functionsModuleEncodesConstantsAsSignedLeb128(int seed) {
		WasmModule module = Parser.parse(WasmModuleWriter.functions(2, seed));
		for (Engine engine : Engine.values()) {
			Instance instance = engine.instantiate(module);
			assertThat(call(instance, "f0", 0)).as(engine.name()).isEqualTo(seed);
			assertThat(call(instance, "f1", 0)).as(engine.name()).isEqualTo(seed + 1);
		}
	}

	@Test
	void functionsModuleWrapsAround() {
		Instance instance = Engine.INTERPRETER
			.instantiate(Parser.parse(WasmModuleWriter.functions(2, Integer.MAX_VALUE)));
		assertThat(call(instance, "f1", 0)).isEqualTo(Integer.MIN_VALUE);
		assertThat(call(instance, "f0", 1)).isEqualTo(Integer.MIN_VALUE);
	}

	@Test
	void functionsModuleIsDeterministicAndDistinctPerArguments() {
		assertThat(WasmModuleWriter.functions(10, 1)).isEqualTo(WasmModuleWriter.functions(10, 1));
		List<String> digests = new ArrayList<>();
		for (byte[] bytes : List.of(WasmModuleWriter.functions(10, 1), WasmModuleWriter.functions(10, 2),
				WasmModuleWriter.functions(11, 1), WasmModuleWriter.functions(1, 1), WasmModuleWriter.countVowels(),
				WasmModuleWriter.simd())) {
			digests.add(Parser.parse(bytes).digest());
		}
		assertThat(digests).doesNotContainNull().doesNotHaveDuplicates();
		assertThat(digests.get(0)).startsWith("sha-256:")
			.isEqualTo(Parser.parse(WasmModuleWriter.functions(10, 1)).digest());
	}

	@Test
	void functionsRejectsInvalidCount() {
		assertThatIllegalArgumentException().isThrownBy(() -> WasmModuleWriter.functions(0, 0))
			.withMessageContaining("count");
		assertThatIllegalArgumentException().isThrownBy(() -> WasmModuleWriter.functions(-1, 0));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> WasmModuleWriter.functions(WasmModuleWriter.MAX_FUNCTIONS + 1, 0));
	}

	@Test
	void largeModulesCompileIntoOneOrMoreFunctionGroupClasses() throws IOException {
		assertFunctionGroupClasses(5_000, 1);
		// above the compiler's default of 12,288 functions per class
		assertFunctionGroupClasses(12_500, 2);
	}

	@Test
	void veryLargeModuleParses() {
		WasmModule module = Parser.parse(WasmModuleWriter.functions(20_000, 3));
		assertThat(module.functionSection().functionCount()).isEqualTo(20_000);
		assertThat(module.exportSection().exportCount()).isEqualTo(20_000);
		Instance instance = Engine.INTERPRETER.instantiate(module);
		assertThat(call(instance, "f19999", 1)).isEqualTo(20_003);
	}

	@ParameterizedTest
	@EnumSource(Engine.class)
	void countVowelsCountsAsciiVowels(Engine engine) {
		Instance instance = engine.instantiate(Parser.parse(WasmModuleWriter.countVowels()));
		assertThat(countVowels(instance, 0, "Hello, World!")).isEqualTo(3);
		assertThat(countVowels(instance, 0, "")).isZero();
		assertThat(countVowels(instance, 0, "AEIOUaeiou")).isEqualTo(10);
		assertThat(countVowels(instance, 0, "bcdfghjklmnpqrstvwxyz BCDFGHJKLMNPQRSTVWXYZ !@#$%^&*()[]{}")).isZero();
		assertThat(countVowels(instance, 1234, "Chicory compiles WebAssembly")).isEqualTo(8);
		assertThat(countVowels(instance, 0, "\u00dcn\u00efc\u00f6d\u00e9 ok")).isEqualTo(1);
		StringBuilder all = new StringBuilder();
		for (char c = 0; c < 128; c++) {
			all.append(c);
		}
		assertThat(countVowels(instance, 0, all.toString())).isEqualTo(10);
		String large = "The quick brown fox jumps over the lazy dog. ".repeat(1000);
		assertThat(countVowels(instance, 0, large)).isEqualTo(11_000);
	}

	@Test
	void countVowelsExportsOnePageOfMemory() {
		WasmModule module = Parser.parse(WasmModuleWriter.countVowels());
		assertThat(module.memorySection()).isPresent();
		Instance instance = Engine.INTERPRETER.instantiate(module);
		Memory memory = instance.exports().memory("memory");
		assertThat(memory).isSameAs(instance.memory());
		assertThat(memory.pages()).isEqualTo(1);
	}

	@Test
	void simdModuleParsesButDoesNotCompile() {
		WasmModule module = Parser.parse(WasmModuleWriter.simd());
		assertThat(module.digest()).isNotNull();
		assertThat(module.exportSection().getExport(0).name()).isEqualTo("first_lane");
		assertThatExceptionOfType(ChicoryException.class).isThrownBy(() -> MachineFactoryCompiler.compile(module))
			.withMessage("Unhandled opcode: V128_CONST");
		for (InterpreterFallback fallback : InterpreterFallback.values()) {
			assertThatExceptionOfType(ChicoryException.class)
				.isThrownBy(() -> MachineFactoryCompiler.builder(module).withInterpreterFallback(fallback).compile())
				.withMessageContaining("V128_CONST");
		}
	}

	@Test
	void simdModuleFailsToCompileWithoutPublishingToTheCache() {
		WasmModule module = Parser.parse(WasmModuleWriter.simd());
		RecordingCache cache = new RecordingCache();
		assertThatExceptionOfType(ChicoryException.class)
			.isThrownBy(() -> MachineFactoryCompiler.builder(module).withCache(cache).compile())
			.withMessage("Unhandled opcode: V128_CONST");
		assertThat(cache.gets).containsExactly(module.digest());
		assertThat(cache.key).isNull();
		assertThat(cache.data).isNull();
		assertThatExceptionOfType(ChicoryException.class)
			.isThrownBy(() -> Instance.builder(module).withMachineFactory(MachineFactoryCompiler::compile).build())
			.withMessage("Unhandled opcode: V128_CONST");
	}

	@Test
	void simdModuleDoesNotRunInTheDefaultInterpreter() {
		Instance instance = Engine.INTERPRETER.instantiate(Parser.parse(WasmModuleWriter.simd()));
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> instance.export("first_lane").apply())
			.withMessageContaining("V128_CONST");
	}

	@Test
	void realModulesAreLoadedFromTheClasspath() {
		byte[] wat2wasm = RealModules.wat2wasm();
		byte[] wast2json = RealModules.wast2json();
		assertThat(wat2wasm).startsWith(0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00).hasSizeGreaterThan(1_000_000);
		assertThat(wast2json).startsWith(0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00).hasSizeGreaterThan(1_000_000);
		assertThat(RealModules.wat2wasm()).isEqualTo(wat2wasm).isNotSameAs(wat2wasm);
		WasmModule module = Parser.parse(wat2wasm);
		assertThat(module.digest()).isNotNull().isNotEqualTo(Parser.parse(wast2json).digest());
		assertThat(module.exportSection().exportCount()).isPositive();
	}

	private static void assertFunctionGroupClasses(int count, int expectedGroups) throws IOException {
		WasmModule module = Parser.parse(WasmModuleWriter.functions(count, count));
		RecordingCache cache = new RecordingCache();
		Instance instance = Instance.builder(module)
			.withMachineFactory(MachineFactoryCompiler.builder(module).withCache(cache).compile())
			.build();
		String last = WasmModuleWriter.exportName(count - 1);
		assertThat(call(instance, "f0", 1)).isEqualTo(count + 1);
		assertThat(call(instance, last, 1)).isEqualTo(2 * count);
		assertThat(cache.key).isEqualTo(module.digest());
		assertThat(functionGroupClasses(cache.data)).hasSize(expectedGroups);
	}

	private static List<String> functionGroupClasses(byte[] jar) throws IOException {
		List<String> names = new ArrayList<>();
		try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
			for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
				if (entry.getName().matches(".*FuncGroup_\\d+\\.class")) {
					names.add(entry.getName());
				}
			}
		}
		return names;
	}

	private static int call(Instance instance, String name, int argument) {
		long[] result = instance.export(name).apply(argument);
		assertThat(result).hasSize(1);
		return (int) result[0];
	}

	private static int countVowels(Instance instance, int offset, String text) {
		instance.memory().writeString(offset, text);
		int length = text.getBytes(StandardCharsets.UTF_8).length;
		long[] result = instance.export("count_vowels").apply(offset, length);
		return (int) result[0];
	}

	/**
	 * How a module is run.
	 */
	enum Engine {

		INTERPRETER {
			@Override
			Instance instantiate(WasmModule module) {
				return Instance.builder(module).build();
			}
		},

		COMPILER {
			@Override
			Instance instantiate(WasmModule module) {
				return Instance.builder(module)
					.withMachineFactory(MachineFactoryCompiler.builder(module)
						.withInterpreterFallback(InterpreterFallback.FAIL)
						.compile())
					.build();
			}
		};

		abstract Instance instantiate(WasmModule module);

	}

	/**
	 * Captures what the compiler publishes.
	 */
	static final class RecordingCache implements Cache {

		final List<String> gets = new ArrayList<>();

		String key;

		byte[] data;

		@Override
		public byte[] get(String key) {
			this.gets.add(key);
			return null;
		}

		@Override
		public void putIfAbsent(String key, byte[] data) {
			this.key = key;
			this.data = data;
		}

	}

}
