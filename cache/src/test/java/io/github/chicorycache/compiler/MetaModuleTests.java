package io.github.chicorycache.compiler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.SectionId;
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
		WasmModule module = MetaModule.parse(MODULE, part, digest, null);
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
	void aMetaModuleEqualsTheOneTheParserDecodesFromItsBytes() {
		for (byte[] bytes : List.of(MODULE, WasmModuleWriter.countVowels(), CompilerFixtures.hugeFunctionModule(10),
				CompilerFixtures.contextDependentModule())) {
			for (Set<Integer> interpreted : List.of(Set.<Integer>of(), Set.of(1), Set.of(0, 2), Set.of(0, 1, 2, 3))) {
				assertSameAsDecoded(bytes, interpreted);
			}
		}
	}

	@Test
	void aMetaModuleOfNoFunctionsEqualsTheOneTheParserDecodesFromItsBytes() {
		byte[] header = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };
		byte[] emptyCode = Arrays.copyOf(header, header.length + 3);
		emptyCode[header.length] = SectionId.CODE;
		emptyCode[header.length + 1] = 1;
		for (byte[] bytes : List.of(header, emptyCode)) {
			assertSameAsDecoded(bytes, Set.of());
			assertThat(MetaModule
				.parse(bytes, MetaModule.create(bytes, ModuleDigest.of(bytes), 0, Set.of()), ModuleDigest.of(bytes),
						null)
				.codeSection()
				.functionBodyCount()).isZero();
		}
	}

	@Test
	void theDataCountIsRequiredWhenAKeptBodyRequiresIt() {
		byte[] bytes = CompilerFixtures.contextDependentModule();
		String digest = ModuleDigest.of(bytes);
		assertThat(Parser.parse(bytes).codeSection().isRequiresDataCount()).isTrue();
		// function 1 uses memory.init and data.drop; its stub does not
		assertThat(MetaModule.parse(bytes, MetaModule.create(bytes, digest, 0, Set.of(1)), digest, null)
			.codeSection()
			.isRequiresDataCount()).isTrue();
		assertThat(MetaModule.parse(bytes, MetaModule.create(bytes, digest, 0, Set.of(0, 2)), digest, null)
			.codeSection()
			.isRequiresDataCount()).isFalse();
	}

	@Test
	void keptBodiesAreDecodedWithTheModulesTypesAndTheirUseOfTheDataCount() {
		// the parser resolves a local of type (ref null 0) against the type section
		byte[] typed = CompilerFixtures.typedLocalModule();
		assertSameAsDecoded(typed, Set.of(0));
		assertThat(meta(typed, Set.of(0)).codeSection().getFunctionBody(0).localTypes()).hasSize(1)
			.isEqualTo(Parser.parse(typed).codeSection().getFunctionBody(0).localTypes());
		// memory.init and data.drop: the code section requires a data count, as the
		// parser finds, since a kept body uses them
		byte[] data = CompilerFixtures.dataCountModule();
		for (Set<Integer> interpreted : List.of(Set.of(0), Set.of(1), Set.of(0, 1))) {
			assertSameAsDecoded(data, interpreted);
			assertThat(meta(data, interpreted).codeSection().isRequiresDataCount()).isTrue();
		}
		assertSameAsDecoded(data, Set.of());
		assertThat(meta(data, Set.of()).codeSection().isRequiresDataCount()).isFalse();
	}

	private static WasmModule meta(byte[] bytes, Set<Integer> interpreted) {
		String digest = ModuleDigest.of(bytes);
		return MetaModule.parse(bytes, MetaModule.create(bytes, digest, 0, interpreted), digest, null);
	}

	/**
	 * Asserts that the meta module put together on a hit is the one Chicory's parser
	 * decodes from the meta module's bytes, with validation (but for the addresses of the
	 * instructions, which only the compiler reads), and that its bodies are the stub or
	 * the module's own.
	 */
	private static void assertSameAsDecoded(byte[] bytes, Set<Integer> interpreted) {
		String digest = ModuleDigest.of(bytes);
		byte[] part = MetaModule.create(bytes, digest, 0, interpreted);
		WasmModule module = MetaModule.parse(bytes, part, digest, null);
		// Equal but for where each instruction was read: the stubs were decoded once,
		// elsewhere, and the kept bodies from a module of their own.
		assertThat(module).usingRecursiveComparison()
			.ignoringFieldsMatchingRegexes(".*\\.address")
			.isEqualTo(ModuleParser.parse(metaBytes(bytes, part), digest, true));
		assertThat(MetaModule.validates(part))
			.isEqualTo(ValidatorHints.needed(module.codeSection(), bytes, WasmSections.ofModule(bytes)));
		// the same with the sections shared with the bytes decoded ahead, on the pool
		assertThat(MetaModule.parse(bytes, part, digest, null, MetaModule.decodeSharedSections(bytes)))
			.usingRecursiveComparison()
			.ignoringFieldsMatchingRegexes(".*\\.address")
			.isEqualTo(module);
		WasmModule full = Parser.parse(bytes);
		assertThat(module.codeSection().functionBodyCount()).isEqualTo(full.codeSection().functionBodyCount());
		for (int function = 0; function < module.codeSection().functionBodyCount(); function++) {
			boolean kept = interpreted.contains(function);
			assertThat(opcodes(module, function))
				.isEqualTo(kept ? opcodes(full, function) : List.of(OpCode.UNREACHABLE, OpCode.END));
			assertThat(module.codeSection().getFunctionBody(function).localTypes())
				.isEqualTo(kept ? full.codeSection().getFunctionBody(function).localTypes() : List.of());
		}
		assertThat(MetaModule.isMeta(module)).isTrue();
	}

	@Test
	void theStubSharedByEveryMetaModuleIsNotChangedByValidation() {
		byte[] bytes = CompilerFixtures.contextDependentModule();
		String digest = ModuleDigest.of(bytes);
		// f2 and f3 kept: the meta module is validated, and the validator writes into
		// some of their instructions; f0 and f1 are the one stub of every meta module
		WasmModule module = MetaModule.parse(bytes, MetaModule.create(bytes, digest, 0, Set.of(2, 3)), digest, null);
		byte[] stubModule = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, SectionId.TYPE, 4, 1, 0x60, 0, 0,
				SectionId.FUNCTION, 2, 1, 0, SectionId.CODE, 5, 1, 3, 0x00, 0x00, 0x0B };
		FunctionBody fresh = ModuleParser.parse(stubModule, null, false).codeSection().getFunctionBody(0);
		for (int function : new int[] { 0, 1 }) {
			assertThat(module.codeSection().getFunctionBody(function)).usingRecursiveComparison().isEqualTo(fresh);
		}
	}

	@Test
	void aCodeSectionIsNotGivenForBytesThatHaveOne() {
		CodeSection code = Parser.parse(MODULE).codeSection();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ModuleParser.parse(new ByteArrayInputStream(MODULE), null, false, code))
			.withMessageContaining("code section");
	}

	@Test
	void onlyACollisionResistantDigestProvesTheBytes() {
		assertThat(ModuleDigest.provesBytes()).as("the default, SHA-256").isTrue();
		assertThat(List.of("SHA-256", "sha-512", "SHA3-256", "SHA-512/256")).allMatch(ModuleDigest::provesBytes);
		assertThat(List.of("MD5", "SHA-1", "SHA", "MD2", "SHA-224", "none")).noneMatch(ModuleDigest::provesBytes);
	}

	@Test
	void functionsAreNumberedAfterTheImportedOnes() {
		String digest = ModuleDigest.of(MODULE);
		// as if two functions were imported: index 2 is the first body
		WasmModule module = MetaModule.parse(MODULE, MetaModule.create(MODULE, digest, 2, Set.of(2)), digest, null);
		assertThat(opcodes(module, 0)).isEqualTo(opcodes(Parser.parse(MODULE), 0));
		assertThat(opcodes(module, 2)).containsExactly(OpCode.UNREACHABLE, OpCode.END);
	}

	@Test
	void aMetaModuleCarriesTheNamespaceOfItsCodeButNoOtherModuleDoes() {
		String digest = ModuleDigest.of(MODULE);
		byte[] part = MetaModule.create(MODULE, digest, 0, Set.of(2));
		WasmModule module = MetaModule.parse(MODULE, part, digest, "chicory-1.0-0123456789abcdef");
		assertThat(MetaModule.namespace(module)).isEqualTo("chicory-1.0-0123456789abcdef");
		assertThat(MetaModule.parse(MODULE, part, digest, null).customSection(MetaModule.NAMESPACE)).isNull();
		assertThat(MetaModule.namespace(MetaModule.parse(MODULE, part, digest, null))).isNull();
		// the section is not stored: the part is the marker and the code section
		assertThat(WasmSections.of(part, 0)).extracting(WasmSections.Section::id).containsExactly(0, 10);
		// a module of its own with a section of that name is no meta module
		byte[] name = MetaModule.NAMESPACE.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		ByteArrayOutputStream named = new ByteArrayOutputStream();
		named.writeBytes(MODULE);
		named.writeBytes(new byte[] { 0, (byte) (1 + name.length + 1), (byte) name.length });
		named.writeBytes(name);
		named.write('x');
		WasmModule parsed = Parser.parse(named.toByteArray());
		assertThat(parsed.customSection(MetaModule.NAMESPACE)).isNotNull();
		assertThat(MetaModule.namespace(parsed)).isNull();
	}

	@Test
	void aMetaModuleIsOnlyTheModuleOfItsOwnDigest() {
		String digest = ModuleDigest.of(MODULE);
		byte[] part = MetaModule.create(MODULE, digest, 0, Set.of());
		assertThatIllegalArgumentException().isThrownBy(() -> MetaModule.parse(MODULE, part, "sha-256:other=", null))
			.withMessageContaining(digest);
		byte[] unmarked = Arrays.copyOfRange(MODULE, 8, MODULE.length);
		assertThatIllegalArgumentException().isThrownBy(() -> MetaModule.parse(MODULE, unmarked, digest, null))
			.withMessageContaining("not marked");
	}

	@Test
	void aMetaPartThatDoesNotFitTheBytesIsRefused() {
		String digest = ModuleDigest.of(MODULE);
		byte[] part = MetaModule.create(MODULE, digest, 0, Set.of());
		byte[] noCode = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
		assertThatIllegalArgumentException().isThrownBy(() -> MetaModule.parse(noCode, part, digest, null))
			.withMessageContaining("the module has none");
		byte[] twice = new byte[part.length * 2];
		System.arraycopy(part, 0, twice, 0, part.length);
		System.arraycopy(part, 0, twice, part.length, part.length);
		assertThatIllegalArgumentException().isThrownBy(() -> MetaModule.parse(MODULE, twice, digest, null))
			.withMessageContaining("more than a marker");
		byte[] cut = Arrays.copyOf(part, part.length - 1);
		assertThatIllegalArgumentException().isThrownBy(() -> MetaModule.parse(MODULE, cut, digest, null))
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

	/**
	 * The meta module as bytes: the module's sections, with the code section of the part,
	 * then the part's marker.
	 */
	private static byte[] metaBytes(byte[] bytes, byte[] part) {
		List<WasmSections.Section> partSections = WasmSections.of(part, 0);
		WasmSections.Section partCode = partSections.get(partSections.size() - 1);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(bytes, 0, WasmSections.HEADER);
		for (WasmSections.Section section : WasmSections.ofModule(bytes)) {
			WasmSections.Section from = (section.id() == SectionId.CODE) ? partCode : section;
			out.write((from == section) ? bytes : part, from.start(), from.length());
		}
		out.write(part, partSections.get(0).start(), partSections.get(0).length());
		return out.toByteArray();
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
