package io.github.chicorycache.compiler;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import io.github.chicorycache.MachineFactoryCompilerCustomizer;
import io.github.chicorycache.internal.ChicoryInternals;
import io.github.chicorycache.testsupport.MapCache;
import org.junit.jupiter.api.Test;

import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.small;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the options fingerprint of a customized compiler builder: the options read by
 * {@link ChicoryInternals#compilerOptions} and hashed by {@link Namespaces#fingerprint}.
 */
class CompilerOptionsTests {

	@Test
	void readsTheEffectiveOptionsOfAnUncustomizedBuilderAsChicorysDefaults() {
		assertThat(ChicoryInternals.compilerOptions(builder()))
			.isEqualTo(Map.of("className", "com.dylibso.chicory.$gen.CompiledMachine", "interpretedFunctions", "[]",
					"interpreterFallback", "WARN", "maxFunctionsPerClass", "12288"));
	}

	@Test
	void readsEveryOptionSet() {
		MachineFactoryCompiler.Builder builder = builder().withClassName("com.example.Machine")
			.withMaxFunctionsPerClass(100)
			.withInterpreterFallback(InterpreterFallback.FAIL)
			.withInterpretedFunctions(Set.of(3, 1));
		assertThat(ChicoryInternals.compilerOptions(builder)).isEqualTo(Map.of("className", "com.example.Machine",
				"interpretedFunctions", "[1,3]", "interpreterFallback", "FAIL", "maxFunctionsPerClass", "100"));
	}

	@Test
	void fingerprintIsStableAcrossCallsBuildersAndModules() {
		String fingerprint = fingerprint(builder());
		assertThat(fingerprint).matches("[0-9a-f]{16}");
		assertThat(fingerprint(builder())).isEqualTo(fingerprint);
		assertThat(fingerprint(MachineFactoryCompiler.builder(parse(small(99))))).isEqualTo(fingerprint);
		MachineFactoryCompiler.Builder customized = builder().withMaxFunctionsPerClass(7);
		assertThat(fingerprint(customized)).isEqualTo(fingerprint(customized))
			.isEqualTo(fingerprint(builder().withMaxFunctionsPerClass(7)));
	}

	@Test
	void fingerprintDiffersForEachOption() {
		List<MachineFactoryCompiler.Builder> builders = List.of(builder(), builder().withClassName("com.example.A"),
				builder().withClassName("com.example.B"), builder().withMaxFunctionsPerClass(16),
				builder().withMaxFunctionsPerClass(17), builder().withInterpreterFallback(InterpreterFallback.FAIL),
				builder().withInterpreterFallback(InterpreterFallback.SILENT),
				builder().withInterpretedFunctions(Set.of(1)), builder().withInterpretedFunctions(Set.of(2)),
				builder().withInterpretedFunctions(Set.of(1, 2)),
				builder().withMaxFunctionsPerClass(16).withInterpreterFallback(InterpreterFallback.FAIL));
		List<String> fingerprints = new ArrayList<>();
		builders.forEach((builder) -> fingerprints.add(fingerprint(builder)));
		assertThat(fingerprints).doesNotHaveDuplicates();
	}

	@Test
	void explicitDefaultsGiveTheSameFingerprintAsNothing() {
		String plain = fingerprint(builder());
		assertThat(fingerprint(builder().withInterpreterFallback(InterpreterFallback.WARN))).isEqualTo(plain);
		assertThat(fingerprint(builder().withMaxFunctionsPerClass(12288))).isEqualTo(plain);
		assertThat(fingerprint(builder().withClassName("com.dylibso.chicory.$gen.CompiledMachine"))).isEqualTo(plain);
		assertThat(fingerprint(builder().withInterpretedFunctions(Set.of()))).isEqualTo(plain);
		// Chicory treats zero and negative sizes as its default
		assertThat(fingerprint(builder().withMaxFunctionsPerClass(0))).isEqualTo(plain);
		assertThat(fingerprint(builder().withMaxFunctionsPerClass(-1))).isEqualTo(plain);
	}

	@Test
	void interpretedFunctionsImplyFailWhetherSetOrNot() {
		// Chicory compiles a fixed set of interpreted functions with FAIL only
		String implicit = fingerprint(builder().withInterpretedFunctions(Set.of(1)));
		String explicit = fingerprint(
				builder().withInterpretedFunctions(Set.of(1)).withInterpreterFallback(InterpreterFallback.FAIL));
		assertThat(explicit).isEqualTo(implicit);
		assertThat(ChicoryInternals.compilerOptions(builder().withInterpretedFunctions(Set.of(1))))
			.containsEntry("interpreterFallback", "FAIL");
	}

	@Test
	void setsAreDescribedRegardlessOfIterationOrder() {
		Set<Integer> ascending = new TreeSet<>(List.of(1, 2, 10, 30));
		Set<Integer> descending = new LinkedHashSet<>(List.of(30, 10, 2, 1));
		assertThat(fingerprint(builder().withInterpretedFunctions(ascending)))
			.isEqualTo(fingerprint(builder().withInterpretedFunctions(descending)));
	}

	@Test
	void lastSettingWins() {
		assertThat(fingerprint(builder().withMaxFunctionsPerClass(16).withMaxFunctionsPerClass(32)))
			.isEqualTo(fingerprint(builder().withMaxFunctionsPerClass(32)))
			.isNotEqualTo(fingerprint(builder().withMaxFunctionsPerClass(16)));
	}

	@Test
	void theCacheIsNotAnOption() {
		assertThat(fingerprint(builder().withCache(new MapCache()))).isEqualTo(fingerprint(builder()));
		assertThat(ChicoryInternals.compilerOptions(builder().withCache(new MapCache()))).doesNotContainKey("cache");
	}

	@Test
	void fingerprintDependsOnOptionsNotOnCustomizers() {
		MachineFactoryCompilerCustomizer one = (builder) -> builder.withMaxFunctionsPerClass(16);
		MachineFactoryCompilerCustomizer two = (builder) -> builder.withMaxFunctionsPerClass(16);
		MachineFactoryCompiler.Builder first = builder();
		one.customize(first);
		MachineFactoryCompiler.Builder second = builder();
		two.customize(second);
		assertThat(fingerprint(first)).isNotNull().isEqualTo(fingerprint(second));
	}

	private static MachineFactoryCompiler.Builder builder() {
		return MachineFactoryCompiler.builder(parse(small(1)));
	}

	private static String fingerprint(MachineFactoryCompiler.Builder builder) {
		return Namespaces.fingerprint(ChicoryInternals.compilerOptions(builder));
	}

}
