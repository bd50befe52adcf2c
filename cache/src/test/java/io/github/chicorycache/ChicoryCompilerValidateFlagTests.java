package io.github.chicorycache;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.dylibso.chicory.runtime.Instance;
import io.github.chicorycache.compiler.CompiledJarVerifier;
import io.github.chicorycache.compiler.EntryJar;
import io.github.chicorycache.compiler.MetaModule;
import io.github.chicorycache.testsupport.MapCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.github.chicorycache.CompilerFixtures.compilerBuilder;
import static io.github.chicorycache.CompilerFixtures.directoryCache;
import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.WasmBytes.concat;
import static io.github.chicorycache.WasmBytes.customContents;
import static io.github.chicorycache.WasmBytes.customSection;
import static io.github.chicorycache.WasmBytes.section;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validation flag of a meta part ({@code chicory-cache.meta.validate}) moved,
 * repeated or misnamed in an entry that passes the entry's checks: the entry is a miss
 * that heals, and the caller gets the results of a validated module.
 */
@ExtendWith(QuietCacheLog.class)
class ChicoryCompilerValidateFlagTests {

	/**
	 * Four functions whose bodies need the validator's hints when interpreted (f2:
	 * ref.test, f3: drop of a v128); f0..f3 return 1, 2, 1, 3.
	 */
	private static final byte[] MODULE = CompilerFixtures.contextDependentModule();

	private static final String DIGEST = parse(MODULE).digest();

	private static final String FLAG = "chicory-cache.meta.validate";

	private static final MachineFactoryCompilerCustomizer INTERPRET_ALL = (builder) -> builder
		.withInterpretedFunctions(Set.of(0, 1, 2, 3));

	@TempDir
	Path root;

	enum Tampering {

		/** The flag after the code section. */
		FLAG_AFTER_CODE((part) -> concat(marker(), code(part), customSection(FLAG, ""))),
		/** The flag twice. */
		FLAG_TWICE((part) -> concat(marker(), customSection(FLAG, ""), customSection(FLAG, ""), code(part))),
		/** The flag before the marker. */
		FLAG_BEFORE_MARKER((part) -> concat(customSection(FLAG, ""), marker(), code(part))),
		/** The marker twice. */
		MARKER_TWICE((part) -> concat(marker(), marker(), code(part))),
		/** The marker after the flag. */
		MARKER_AFTER_FLAG((part) -> concat(marker(), customSection(FLAG, ""), marker(), code(part))),
		/** The flag's name in capitals. */
		NAME_UPPER_CASE((part) -> concat(marker(), customSection(FLAG.toUpperCase(Locale.ROOT), ""), code(part))),
		/** The flag's name cut short. */
		NAME_SHORTER((part) -> concat(marker(), customSection(FLAG.substring(0, FLAG.length() - 1), ""), code(part))),
		/** The flag's name with a character more. */
		NAME_LONGER((part) -> concat(marker(), customSection(FLAG + "d", ""), code(part))),
		/** The flag's name with a NUL after it. */
		NAME_NUL((part) -> concat(marker(), customSection(FLAG + "\0", ""), code(part))),
		/** The name of the namespace section instead of the flag's. */
		NAME_OF_THE_NAMESPACE((part) -> concat(marker(), customSection(MetaModule.NAMESPACE, ""), code(part))),
		/** A custom section with no name length at all. */
		EMPTY_CUSTOM((part) -> concat(marker(), section(0, new byte[0]), code(part))),
		/** A name length past the end of its section. */
		NAME_PAST_END((part) -> concat(marker(), section(0, new byte[] { 0x7F, 'c' }), code(part))),
		/** The flag in a section of another id. */
		FLAG_IN_A_TYPE_SECTION((part) -> concat(marker(), section(1, customContents(FLAG, "")), code(part))),
		/** The flag alone, without the code section. */
		NO_CODE((part) -> concat(marker(), customSection(FLAG, ""))),
		/** The code section twice after the flag. */
		CODE_TWICE((part) -> concat(marker(), customSection(FLAG, ""), code(part), code(part)));

		final UnaryOperator<byte[]> tamper;

		Tampering(UnaryOperator<byte[]> tamper) {
			this.tamper = tamper;
		}

	}

	@Test
	void theEntryOfBodiesThatNeedTheValidatorCarriesTheFlag() throws Exception {
		byte[] part = validPart();
		assertThat(concat(marker(), customSection(FLAG, ""), code(part))).isEqualTo(part);
	}

	@ParameterizedTest
	@EnumSource(Tampering.class)
	void aMisplacedOrMisnamedFlagIsAMissThatHeals(Tampering tampering) throws Exception {
		DirectoryCache cache = storeTampered(tampering.tamper);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).withCustomizer(INTERPRET_ALL).build();
		LoadedModule loaded = compiler.load(MODULE);
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(loaded.event().recovered()).isTrue();
		assertThat(compiler.stats().failures()).isZero();
		assertThat(results(loaded)).containsExactly(1L, 2L, 1L, 3L);
		LoadedModule healed = compilerBuilder().withCache(cache).withCustomizer(INTERPRET_ALL).build().load(MODULE);
		assertThat(healed.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(results(healed)).containsExactly(1L, 2L, 1L, 3L);
	}

	@Test
	void aFlagWithAPayloadStillValidates() throws Exception {
		DirectoryCache cache = storeTampered((part) -> concat(marker(), customSection(FLAG, "yes"), code(part)));
		LoadedModule loaded = compilerBuilder().withCache(cache).withCustomizer(INTERPRET_ALL).build().load(MODULE);
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(results(loaded)).containsExactly(1L, 2L, 1L, 3L);
	}

	private static List<Long> results(LoadedModule loaded) {
		Instance instance = loaded.instanceBuilder().build();
		return List.of(instance.export("f0").apply()[0], instance.export("f1").apply()[0],
				instance.export("f2").apply()[0], instance.export("f3").apply()[0]);
	}

	private static byte[] validPart() throws Exception {
		MapCache recorder = new MapCache();
		compilerBuilder().withCache(recorder).withCustomizer(INTERPRET_ALL).build().load(MODULE);
		byte[] part = EntryJar.read(recorder.singleValue()).metaPart();
		assertThat(part).isNotNull();
		return part;
	}

	private DirectoryCache storeTampered(UnaryOperator<byte[]> tamper) throws Exception {
		MapCache recorder = new MapCache();
		compilerBuilder().withCache(recorder).withCustomizer(INTERPRET_ALL).build().load(MODULE);
		byte[] valid = recorder.singleValue();
		byte[] part = EntryJar.read(valid).metaPart();
		byte[] tampered = CompilerFixtures.with(valid, EntryJar.META_PART, tamper.apply(part));
		DirectoryCache cache = directoryCache(this.root);
		String namespace = compilerBuilder().withCache(cache).withCustomizer(INTERPRET_ALL).build().namespace();
		byte[] bound = CompiledJarVerifier.bind(tampered, CompiledJarVerifier.binding(namespace, DIGEST));
		cache.namespace(namespace).putIfAbsent(DIGEST, bound);
		return cache;
	}

	/**
	 * The code section of a meta part, its last section.
	 */
	private static byte[] code(byte[] part) {
		int at = 0;
		int last = 0;
		while (at < part.length) {
			last = at;
			int[] size = readLeb(part, at + 1);
			at = size[1] + size[0];
		}
		assertThat(part[last]).isEqualTo((byte) 10);
		return Arrays.copyOfRange(part, last, part.length);
	}

	private static int[] readLeb(byte[] bytes, int at) {
		int value = 0;
		int shift = 0;
		int position = at;
		while (true) {
			int b = bytes[position++] & 0xFF;
			value |= (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				return new int[] { value, position };
			}
			shift += 7;
		}
	}

	private static byte[] marker() {
		return customSection(MetaModule.MARKER, DIGEST);
	}

}
