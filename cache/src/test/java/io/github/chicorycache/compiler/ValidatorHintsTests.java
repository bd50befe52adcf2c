package io.github.chicorycache.compiler;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Instruction;
import io.github.chicorycache.CompilerFixtures;
import io.github.chicorycache.testsupport.RealModules;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link ValidatorHints}: a meta module is validated exactly when a kept body
 * needs what the validator writes into its instructions.
 */
class ValidatorHintsTests {

	@Test
	void keptBodiesRunWithTheHintsOfAValidatedParse() {
		// Whether or not the meta module was validated, every kept instruction carries
		// what it carries after Chicory validates the module: a hint the validator
		// writes and ValidatorHints misses (in this Chicory or a later one) fails here.
		byte[] wat2wasm = RealModules.wat2wasm();
		assertKeptAsValidated(wat2wasm, allFunctions(wat2wasm));
		byte[] context = CompilerFixtures.contextDependentModule();
		for (Set<Integer> kept : List.of(Set.of(0), Set.of(1), Set.of(2), Set.of(3), Set.of(0, 1, 2, 3))) {
			assertKeptAsValidated(context, kept);
		}
		for (byte[] bytes : List.of(CompilerFixtures.hugeFunctionModule(100), CompilerFixtures.dataCountModule(),
				CompilerFixtures.typedLocalModule(), WasmModuleWriter.functions(20, 1))) {
			assertKeptAsValidated(bytes, allFunctions(bytes));
		}
	}

	@Test
	void aModuleIsValidatedOnlyWhenAKeptBodyCanTakeAHint() {
		byte[] context = CompilerFixtures.contextDependentModule();
		// f2: ref.test; f3: drop of a v128 local
		assertThat(needed(context, Set.of(2))).isTrue();
		assertThat(needed(context, Set.of(3))).isTrue();
		// f0: a typed block and a struct local; f1: memory.init and data.drop
		assertThat(needed(context, Set.of(0, 1))).isFalse();
		assertThat(needed(context, Set.of())).isFalse();
		// wat2wasm drops values in many functions, but none can be a v128
		byte[] wat2wasm = RealModules.wat2wasm();
		assertThat(needed(wat2wasm, allFunctions(wat2wasm))).isFalse();
	}

	@Test
	void aDropIsHintedOnlyWhereAValueCanBeAV128() {
		// (func (result i32) i32.const 1 drop i32.const 2) and, after it, the same
		// with a block (result v128) whose value is dropped
		byte[] plain = module(new byte[] { 0x00, 0x41, 0x01, 0x1A, 0x41, 0x02, 0x0B });
		byte[] v128Block = module(new byte[] { 0x00, 0x02, 0x7B, 0x00, 0x0B, 0x1A, 0x41, 0x02, 0x0B });
		assertThat(needed(plain, Set.of(0))).isFalse();
		assertThat(needed(v128Block, Set.of(0))).isTrue();
		assertKeptAsValidated(v128Block, Set.of(0));
	}

	@Test
	void aSelectOfTypeV128CanGiveADropAV128() {
		// (func (result i32) unreachable select (result v128) drop i32.const 2): the
		// validator types the select's value as its v128 annotation, though nothing else
		// in the module is a v128, and hints the drop
		byte[] selectV128 = module(new byte[] { 0x00, 0x00, 0x1C, 0x01, 0x7B, 0x1A, 0x41, 0x02, 0x0B });
		assertThat(needed(selectV128, Set.of(0))).isTrue();
		assertKeptAsValidated(selectV128, Set.of(0));
	}

	@Test
	void aTypeImportOrGlobalSectionMayHoldAV128() {
		byte[] v128Param = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x01, 0x7B, 0x00 };
		assertThat(WasmSections.ofModule(v128Param)).singleElement()
			.satisfies((section) -> assertThat(ValidatorHints.mayHoldV128(v128Param, section)).isTrue());
		byte[] plain = WasmModuleWriter.functions(5, 3);
		assertThat(WasmSections.ofModule(plain)).noneMatch((section) -> ValidatorHints.mayHoldV128(plain, section));
	}

	/**
	 * Whether a hit's meta module needs the validator, as decided from it, and checks
	 * that the meta part made for the entry says the same.
	 */
	private static boolean needed(byte[] bytes, Set<Integer> kept) {
		String digest = ModuleDigest.of(bytes);
		byte[] part = MetaModule.create(bytes, digest, 0, kept);
		WasmModule meta = MetaModule.parse(bytes, part, digest, null);
		boolean needed = ValidatorHints.needed(meta.codeSection(), bytes, WasmSections.ofModule(bytes));
		assertThat(MetaModule.validates(part)).isEqualTo(needed);
		return needed;
	}

	private static void assertKeptAsValidated(byte[] bytes, Set<Integer> kept) {
		String digest = ModuleDigest.of(bytes);
		WasmModule meta = MetaModule.parse(bytes, MetaModule.create(bytes, digest, 0, kept), digest, null);
		WasmModule validated = Parser.parse(bytes);
		for (int function : kept) {
			assertThat(operands(meta, function)).as("function %d", function).isEqualTo(operands(validated, function));
		}
	}

	private static List<String> operands(WasmModule module, int function) {
		return module.codeSection()
			.getFunctionBody(function)
			.instructions()
			.stream()
			.map((instruction) -> instruction.opcode() + describe(instruction))
			.toList();
	}

	private static String describe(Instruction instruction) {
		return IntStream.range(0, instruction.operandCount())
			.mapToObj((i) -> String.valueOf(instruction.operand(i)))
			.collect(Collectors.joining(",", "[", "]"));
	}

	private static Set<Integer> allFunctions(byte[] bytes) {
		// MetaModule.create is told of no imported functions: bodies are numbered from 0
		int bodies = Parser.parse(bytes).codeSection().functionBodyCount();
		return IntStream.range(0, bodies).boxed().collect(Collectors.toSet());
	}

	/**
	 * A module of one function of type {@code () -> i32} with the given body.
	 */
	private static byte[] module(byte[] body) {
		byte[] header = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,
				0x03, 0x02, 0x01, 0x00, 0x0A, (byte) (body.length + 2), 0x01, (byte) body.length };
		byte[] bytes = new byte[header.length + body.length];
		System.arraycopy(header, 0, bytes, 0, header.length);
		System.arraycopy(body, 0, bytes, header.length, body.length);
		return bytes;
	}

}
