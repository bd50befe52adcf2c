package io.github.chicorycache.compiler;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.OpCode;
import io.github.chicorycache.CompilerFixtures;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests of {@link MetaModule} and {@link ModuleDigest}, without a compiler around them.
 */
class MetaModuleTests {

	private static final byte[] MODULE = WasmModuleWriter.functions(5, 3);

	@Test
	void theDigestIsTheParsersDigest() {
		for (byte[] bytes : List.of(MODULE, WasmModuleWriter.countVowels(), CompilerFixtures.hugeFunctionModule(10))) {
			assertThat(ModuleDigest.of(bytes)).isEqualTo(Parser.parse(bytes).digest());
		}
	}

	@Test
	void compiledBodiesAreReplacedAndInterpretedOnesKept() {
		String digest = ModuleDigest.of(MODULE);
		byte[] part = MetaModule.create(MODULE, digest, 0, Set.of(2));
		// only what differs from the bytes: the marker and the stubbed code section
		assertThat(WasmSections.of(part, 0)).extracting(WasmSections.Section::id).containsExactly(0, 10);
		WasmModule module = MetaModule.parse(MODULE, part, digest);
		WasmModule full = Parser.parse(MODULE);
		assertThat(module.digest()).isEqualTo(digest);
		assertThat(MetaModule.isMeta(module)).isTrue();
		assertThat(MetaModule.isMeta(full)).isFalse();
		assertThat(MetaModule.functionCount(module)).isEqualTo(5).isEqualTo(MetaModule.functionCount(full));
		assertThat(module.exportSection()).isEqualTo(full.exportSection());
		assertThat(module.typeSection()).isEqualTo(full.typeSection());
		assertThat(opcodes(module, 0)).containsExactly(OpCode.UNREACHABLE, OpCode.END);
		assertThat(opcodes(module, 2)).isEqualTo(opcodes(full, 2));
	}

	@Test
	void functionsAreNumberedAfterTheImportedOnes() {
		String digest = ModuleDigest.of(MODULE);
		// as if two functions were imported: index 2 is the first body
		WasmModule module = MetaModule.parse(MODULE, MetaModule.create(MODULE, digest, 2, Set.of(2)), digest);
		assertThat(opcodes(module, 0)).isEqualTo(opcodes(Parser.parse(MODULE), 0));
		assertThat(opcodes(module, 2)).containsExactly(OpCode.UNREACHABLE, OpCode.END);
	}

	@Test
	void aMetaModuleIsOnlyTheModuleOfItsOwnDigest() {
		String digest = ModuleDigest.of(MODULE);
		byte[] part = MetaModule.create(MODULE, digest, 0, Set.of());
		assertThatIllegalArgumentException().isThrownBy(() -> MetaModule.parse(MODULE, part, "sha-256:other="))
			.withMessageContaining(digest);
		byte[] unmarked = Arrays.copyOfRange(MODULE, 8, MODULE.length);
		assertThatIllegalArgumentException().isThrownBy(() -> MetaModule.parse(MODULE, unmarked, digest))
			.withMessageContaining("not marked");
	}

	@Test
	void aMetaPartThatDoesNotFitTheBytesIsRefused() {
		String digest = ModuleDigest.of(MODULE);
		byte[] part = MetaModule.create(MODULE, digest, 0, Set.of());
		byte[] noCode = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
		assertThatIllegalArgumentException().isThrownBy(() -> MetaModule.parse(noCode, part, digest))
			.withMessageContaining("the module has none");
		byte[] twice = new byte[part.length * 2];
		System.arraycopy(part, 0, twice, 0, part.length);
		System.arraycopy(part, 0, twice, part.length, part.length);
		assertThatIllegalArgumentException().isThrownBy(() -> MetaModule.parse(MODULE, twice, digest))
			.withMessageContaining("more than a marker");
		byte[] cut = Arrays.copyOf(part, part.length - 1);
		assertThatIllegalArgumentException().isThrownBy(() -> MetaModule.parse(MODULE, cut, digest))
			.withMessageContaining("overruns");
	}

	@Test
	void aModuleParsedWithAGivenDigestEqualsTheParsersModule() {
		String digest = ModuleDigest.of(MODULE);
		WasmModule parsed = ModuleParser.parse(MODULE, digest, true);
		assertThat(parsed).isEqualTo(Parser.parse(MODULE));
		assertThat(parsed.digest()).isEqualTo(digest);
		assertThat(ModuleParser.parse(MODULE, null, false).digest()).isNull();
	}

	private static List<OpCode> opcodes(WasmModule module, int function) {
		return module.codeSection()
			.getFunctionBody(function)
			.instructions()
			.stream()
			.map((instruction) -> instruction.opcode())
			.toList();
	}

}
