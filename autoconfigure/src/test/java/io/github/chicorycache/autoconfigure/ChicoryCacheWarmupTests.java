package io.github.chicorycache.autoconfigure;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.dylibso.chicory.wasm.Parser;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.autoconfigure.ChicoryCacheWarmup.WarmupException;
import io.github.chicorycache.autoconfigure.ChicoryCacheWarmup.WarmupResult;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ChicoryCacheWarmup} as auto-configured by
 * {@link ChicoryCacheAutoConfiguration}.
 */
@ExtendWith(CapturedLog.Extension.class)
class ChicoryCacheWarmupTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChicoryCacheAutoConfiguration.class));

	private ApplicationContextRunner runner() {
		return this.contextRunner.withPropertyValues("chicory.cache.directory=" + this.temp.resolve("cache"));
	}

	@Test
	void noWarmupWithoutLocations() {
		runner().run((context) -> assertThat(context).doesNotHaveBean(ChicoryCacheWarmup.class));
		runner().withPropertyValues("chicory.cache.warmup.locations=")
			.run((context) -> assertThat(context).doesNotHaveBean(ChicoryCacheWarmup.class));
	}

	@Test
	void syncWarmupCompilesFileModulesBeforeStartupCompletesThenReadsThemFromTheCache(CapturedLog output)
			throws IOException {
		Path wasm = writeModules("wasm");
		String locations = "chicory.cache.warmup.locations=file:" + wasm + "/*.wasm";
		runner().withPropertyValues(locations).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(ChicoryCacheWarmup.class);
			WarmupResult result = context.getBean(ChicoryCacheWarmup.class).getResult();
			assertThat(result).isNotNull();
			assertThat(result.failures()).isEmpty();
			assertThat(sources(result)).containsOnly(Map.entry("one.wasm", CompilationSource.COMPILER),
					Map.entry("two.wasm", CompilationSource.COMPILER));
			assertThat(result.count(CompilationSource.COMPILER)).isEqualTo(2);
			assertThat(context.getBean(ChicoryCompiler.class).stats().compilations(CompilationSource.COMPILER))
				.isEqualTo(2);
		});
		assertThat(output).contains("Chicory warm-up: 2 modules, 0 failed, in ")
			.contains(" ms; code from memory: 0, disk: 0, remote: 0, compiler: 2");
		runner().withPropertyValues(locations).run((context) -> {
			WarmupResult result = context.getBean(ChicoryCacheWarmup.class).getResult();
			assertThat(result).isNotNull();
			assertThat(sources(result)).containsOnly(Map.entry("one.wasm", CompilationSource.DISK),
					Map.entry("two.wasm", CompilationSource.DISK));
		});
		assertThat(output).contains(" ms; code from memory: 0, disk: 2, remote: 0, compiler: 0");
	}

	@Test
	void modulesThatTheApplicationCompiledFirstAreCountedFromMemory(CapturedLog output) throws IOException {
		Path wasm = writeModules("wasm");
		runner().withPropertyValues("chicory.cache.warmup.locations=file:" + wasm + "/*.wasm")
			.withUserConfiguration(EagerModuleConfiguration.class)
			.withBean(Path.class, () -> wasm)
			.run((context) -> {
				WarmupResult result = context.getBean(ChicoryCacheWarmup.class).getResult();
				assertThat(sources(result)).containsOnly(Map.entry("one.wasm", CompilationSource.MEMORY),
						Map.entry("two.wasm", CompilationSource.MEMORY));
			});
		assertThat(output).contains("Chicory warm-up: 2 modules, 0 failed, in ")
			.contains(" ms; code from memory: 2, disk: 0, remote: 0, compiler: 0");
	}

	@Test
	void classpathPatternsFindModulesInEveryClasspathRoot() throws IOException {
		Path first = Files.createDirectories(this.temp.resolve("first"));
		Path second = Files.createDirectories(this.temp.resolve("second"));
		Files.createDirectories(first.resolve("wasm"));
		Files.createDirectories(second.resolve("wasm"));
		Files.write(first.resolve("wasm").resolve("a.wasm"), WasmModuleWriter.functions(2, 100));
		Files.write(second.resolve("wasm").resolve("b.wasm"), WasmModuleWriter.countVowels());
		Files.writeString(second.resolve("wasm").resolve("readme.txt"), "not matched");
		URLClassLoader classLoader = new URLClassLoader(new URL[] { first.toUri().toURL(), second.toUri().toURL() },
				getClass().getClassLoader());
		runner().withClassLoader(classLoader)
			.withPropertyValues("chicory.cache.warmup.locations=classpath*:wasm/*.wasm")
			.run((context) -> {
				WarmupResult result = context.getBean(ChicoryCacheWarmup.class).getResult();
				assertThat(result).isNotNull();
				assertThat(result.failures()).isEmpty();
				assertThat(sources(result)).containsOnlyKeys("a.wasm", "b.wasm");
			});
	}

	@Test
	void locationsWrittenAsAnIndexedListEnableTheWarmup() throws IOException {
		Path wasm = writeModules("wasm");
		runner()
			.withPropertyValues("chicory.cache.warmup.locations[0]=file:" + wasm + "/one.wasm",
					"chicory.cache.warmup.locations[1]=file:" + wasm + "/two.wasm")
			.run((context) -> {
				assertThat(context).hasSingleBean(ChicoryCacheWarmup.class);
				assertThat(sources(context.getBean(ChicoryCacheWarmup.class).getResult())).containsOnlyKeys("one.wasm",
						"two.wasm");
			});
	}

	@Test
	void commaSeparatedLocationsAreAllCompiled() throws IOException {
		Path wasm = writeModules("wasm");
		runner()
			.withPropertyValues("chicory.cache.warmup.locations=file:" + wasm + "/one.wasm, file:" + wasm + "/two.wasm")
			.run((context) -> assertThat(sources(context.getBean(ChicoryCacheWarmup.class).getResult()))
				.containsOnlyKeys("one.wasm", "two.wasm"));
	}

	@Test
	void locationsThatMatchNothingCompileNothing(CapturedLog output) {
		runner().withPropertyValues("chicory.cache.warmup.locations=file:" + this.temp.resolve("missing") + "/*.wasm")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				WarmupResult result = context.getBean(ChicoryCacheWarmup.class).getResult();
				assertThat(result).isNotNull();
				assertThat(result.modules()).isEmpty();
				assertThat(result.failures()).isEmpty();
			});
		assertThat(output).contains("Chicory warm-up: 0 modules, 0 failed, in ")
			.contains(" ms; code from memory: 0, disk: 0, remote: 0, compiler: 0");
	}

	@Test
	void asyncWarmupCompletesInTheBackground() throws IOException {
		Path wasm = writeModules("wasm");
		runner()
			.withPropertyValues("chicory.cache.warmup.locations=file:" + wasm + "/*.wasm",
					"chicory.cache.warmup.mode=async")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ChicoryCacheWarmup warmup = context.getBean(ChicoryCacheWarmup.class);
				assertThat(warmup.isRunning()).isTrue();
				await().atMost(Duration.ofSeconds(60)).until(() -> warmup.getResult() != null);
				assertThat(sources(warmup.getResult())).containsOnly(Map.entry("one.wasm", CompilationSource.COMPILER),
						Map.entry("two.wasm", CompilationSource.COMPILER));
			});
	}

	@Test
	void modulesThatFailToCompileAreReportedWithoutStoppingStartup(CapturedLog output) throws IOException {
		Path wasm = writeModules("wasm");
		Files.write(wasm.resolve("simd.wasm"), WasmModuleWriter.simd());
		Files.writeString(wasm.resolve("garbage.wasm"), "this is not WebAssembly", StandardCharsets.UTF_8);
		runner().withPropertyValues("chicory.cache.warmup.locations=file:" + wasm + "/*.wasm").run((context) -> {
			assertThat(context).hasNotFailed();
			WarmupResult result = context.getBean(ChicoryCacheWarmup.class).getResult();
			assertThat(result).isNotNull();
			assertThat(sources(result)).containsOnlyKeys("one.wasm", "two.wasm");
			assertThat(result.failures()).hasSize(2);
			assertThat(result.failures()).hasEntrySatisfying(key(result.failures(), "simd.wasm"),
					(error) -> assertThat(error).contains("V128_CONST"));
			assertThat(result.failures()).containsKey(key(result.failures(), "garbage.wasm"));
		});
		assertThat(output).contains("Chicory warm-up could not compile " + "file:" + wasm.resolve("simd.wasm"))
			.contains("Chicory warm-up could not compile " + "file:" + wasm.resolve("garbage.wasm") + ": ")
			.contains("Chicory warm-up: 2 modules, 2 failed, in ")
			.contains(" ms; code from memory: 0, disk: 0, remote: 0, compiler: 2");
	}

	@Test
	void failOnErrorStopsStartupNamingTheModule() throws IOException {
		Path wasm = writeModules("wasm");
		Files.write(wasm.resolve("simd.wasm"), WasmModuleWriter.simd());
		runner()
			.withPropertyValues("chicory.cache.warmup.locations=file:" + wasm + "/*.wasm",
					"chicory.cache.warmup.fail-on-error=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(WarmupException.class)
					.hasMessageContaining("chicory.cache.warmup.fail-on-error=true")
					.hasMessageContaining("1 module(s)")
					.hasMessageContaining("file:" + wasm.resolve("simd.wasm") + "=")
					.hasMessageContaining("V128_CONST");
			});
	}

	@Test
	void failOnErrorInAsyncModeLogsAnErrorSinceTheApplicationHasStarted(CapturedLog output) throws IOException {
		Path wasm = writeModules("wasm");
		Files.write(wasm.resolve("simd.wasm"), WasmModuleWriter.simd());
		runner()
			.withPropertyValues("chicory.cache.warmup.locations=file:" + wasm + "/*.wasm",
					"chicory.cache.warmup.mode=async", "chicory.cache.warmup.fail-on-error=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ChicoryCacheWarmup warmup = context.getBean(ChicoryCacheWarmup.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> warmup.getResult() != null);
				assertThat(warmup.getResult().failures()).hasSize(1);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> output.toString().contains("the warm-up ran in the background (async)"));
			});
		assertThat(output).contains("ERROR").contains("Chicory warm-up failed for 1 module(s)");
	}

	@Test
	void failOnErrorWithoutFailuresStarts() throws IOException {
		Path wasm = writeModules("wasm");
		runner()
			.withPropertyValues("chicory.cache.warmup.locations=file:" + wasm + "/*.wasm",
					"chicory.cache.warmup.fail-on-error=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void warmupUsesTheCompilerWithoutCacheWhenDisabled() throws IOException {
		Path wasm = writeModules("wasm");
		runner()
			.withPropertyValues("chicory.cache.enabled=false",
					"chicory.cache.warmup.locations=file:" + wasm + "/*.wasm")
			.run((context) -> {
				assertThat(sources(context.getBean(ChicoryCacheWarmup.class).getResult())).containsOnly(
						Map.entry("one.wasm", CompilationSource.COMPILER),
						Map.entry("two.wasm", CompilationSource.COMPILER));
				assertThat(this.temp.resolve("cache")).doesNotExist();
			});
	}

	private Path writeModules(String name) throws IOException {
		Path directory = Files.createDirectories(this.temp.resolve(name));
		Files.write(directory.resolve("one.wasm"), WasmModuleWriter.functions(2, 1));
		Files.write(directory.resolve("two.wasm"), WasmModuleWriter.functions(3, 2));
		return directory;
	}

	/**
	 * Returns the modules of a result by file name.
	 */
	private static Map<String, CompilationSource> sources(WarmupResult result) {
		assertThat(result).isNotNull();
		Map<String, CompilationSource> sources = new java.util.TreeMap<>();
		result.modules().forEach((name, source) -> sources.put(name.substring(name.lastIndexOf('/') + 1), source));
		return sources;
	}

	private static String key(Map<String, String> failures, String fileName) {
		return failures.keySet()
			.stream()
			.filter((name) -> name.endsWith("/" + fileName))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No failure for " + fileName + " in " + failures));
	}

	/**
	 * Compiles the modules in a bean constructor, as an application does that loads its
	 * modules at startup, before the warm-up runs.
	 */
	@Configuration(proxyBeanMethods = false)
	static class EagerModuleConfiguration {

		@Bean
		Object eagerModules(ChicoryCompiler compiler, Path wasm) throws IOException {
			for (String name : new String[] { "one.wasm", "two.wasm" }) {
				compiler.compile(Parser.parse(Files.readAllBytes(wasm.resolve(name))));
			}
			return new Object();
		}

	}

}
