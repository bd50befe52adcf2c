package io.github.chicorycache.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.io.TempDir;

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
	void aJvmWithAnotherDigestAlgorithmGetsItsOwnNamespaceAndLoadComputesTheParsersDigest(@TempDir Path root)
			throws Exception {
		Map<String, String> first = runWorker(root, "SHA-512");
		assertThat(first.get("digest")).startsWith("sha-512:")
			.isEqualTo(first.get("parser"))
			.isEqualTo(first.get("module"));
		assertThat(first.get("namespace")).isNotEqualTo(ChicoryCompiler.builder().build().namespace());
		assertThat(first.get("sources")).isEqualTo("COMPILER,MEMORY");
		assertThat(first.get("result")).isEqualTo("6");
		Map<String, String> second = runWorker(root, "SHA-512");
		assertThat(second.get("namespace")).isEqualTo(first.get("namespace"));
		assertThat(second.get("sources")).isEqualTo("DISK,MEMORY");
		assertThat(second.get("meta")).isEqualTo("true");
		assertThat(second.get("result")).isEqualTo("6");
	}

	@Test
	void aJvmWithADigestWhoseCollisionsCanBeMadeParsesTheBytesOfAHitInFull(@TempDir Path root) throws Exception {
		Map<String, String> first = runWorker(root, "SHA-1");
		assertThat(first.get("digest")).startsWith("sha-1:").isEqualTo(first.get("parser"));
		Map<String, String> second = runWorker(root, "SHA-1");
		// the compiled code comes from the entry, the module from the validated bytes
		assertThat(second.get("sources")).isEqualTo("DISK,MEMORY");
		assertThat(second.get("meta")).isEqualTo("false");
		assertThat(second.get("result")).isEqualTo("6");
	}

	private static Map<String, String> runWorker(Path root, String algorithm) throws Exception {
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:TieredStopAtLevel=1", "-D" + ChicoryInternals.DIGEST_ALGORITHM_PROPERTY + "=" + algorithm, "-cp",
				System.getProperty("java.class.path"), DigestAlgorithmWorker.class.getName(), root.toString());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		Map<String, String> values = new HashMap<>();
		output.lines()
			.filter((line) -> line.contains("="))
			.forEach((line) -> values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
		return values;
	}

	@Test
	void theOptionsOfAnUncustomizedBuilderAreKnownWithoutOneForThisChicory() {
		assertThat(ChicoryInternals.chicoryVersion())
			.as("a new Chicory: check that its builders hold only DEFAULTS, then update DEFAULTS_CHECKED_FOR")
			.isEqualTo(ChicoryInternals.DEFAULTS_CHECKED_FOR);
		for (byte[] module : List.of(WasmModuleWriter.functions(1, 1), WasmModuleWriter.functions(40, 3))) {
			assertThat(ChicoryInternals.uncustomizedCompilerOptions()).isEqualTo(ChicoryInternals
				.compilerOptions(com.dylibso.chicory.compiler.MachineFactoryCompiler.builder(Parser.parse(module))));
		}
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
