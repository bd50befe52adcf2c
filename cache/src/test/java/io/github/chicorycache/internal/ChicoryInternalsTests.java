package io.github.chicorycache.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.CompilerFixtures;
import io.github.chicorycache.testsupport.MapCache;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChicoryInternals}: with the Chicory this library is built against,
 * every capability is available, a miss is compiled by the internal compiler, and what
 * the compiler writes loads through Chicory's own loader.
 */
class ChicoryInternalsTests {

	@Test
	void isAvailableWithThisChicory() {
		assertThat(ChicoryInternals.canCompile()).isTrue();
	}

	@Test
	void readsTheParsersDigestAlgorithmAndNoPropertyDiffersFromItsDefault() {
		assertThat(ChicoryInternals.digestAlgorithm()).isEqualTo("SHA-256");
		assertThat(ChicoryInternals.compilerSystemProperties()).isEmpty();
	}

	@Test
	void readsTheBuildersOptions() {
		assertThat(ChicoryInternals.compilerOptions(com.dylibso.chicory.compiler.MachineFactoryCompiler
			.builder(Parser.parse(WasmModuleWriter.functions(1, 1)))
			.withMaxFunctionsPerClass(3))).containsEntry("maxFunctionsPerClass", "3");
	}

	@Test
	void entryWrittenOnAMissIsAHitThatRuns() throws IOException {
		byte[] bytes = WasmModuleWriter.functions(3, 7);
		MapCache cache = new MapCache();
		ChicoryCompiler compiler = CompilerFixtures.compilerBuilder().withCache(cache).withMemoryMaxEntries(0).build();
		WasmModule first = Parser.parse(bytes);
		Compilation compiled = compiler.compile(first);
		assertThat(compiled.event().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(call(first, compiled, 2, 5)).isEqualTo(5 + 2 + 7);
		assertThat(cache.entries).hasSize(1);
		byte[] jar = cache.entries.values().iterator().next();
		assertThat(compiled.event().bytes()).isEqualTo(CompilerFixtures.codeSize(jar));
		try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
			JarEntry entry = in.getNextJarEntry();
			assertThat(entry.getName()).isEqualTo("wasm-module.properties");
			assertThat(new String(in.readAllBytes())).contains("mainClass=com.dylibso.chicory.$gen.CompiledMachine");
		}
		WasmModule second = Parser.parse(bytes);
		Compilation loaded = compiler.compile(second);
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(call(second, loaded, 1, 5)).isEqualTo(5 + 1 + 7);
	}

	@Test
	void withoutCacheTheEventStillReportsTheJarSize() {
		Compilation compiled = CompilerFixtures.compilerBuilder()
			.build()
			.compile(Parser.parse(WasmModuleWriter.functions(3, 7)));
		assertThat(compiled.event().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(compiled.event().bytes()).isPositive();
	}

	private static long call(WasmModule module, Compilation compilation, int function, int argument) {
		Instance instance = Instance.builder(module).withMachineFactory(compilation.machineFactory()).build();
		return instance.export(WasmModuleWriter.exportName(function)).apply(argument)[0];
	}

}
