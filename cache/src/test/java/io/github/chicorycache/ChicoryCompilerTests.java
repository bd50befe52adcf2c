package io.github.chicorycache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.CompiledModule;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.CompilerFixtures.FailingCache;
import io.github.chicorycache.CompilerFixtures.RecordingListener;
import io.github.chicorycache.internal.ChicoryInternals;
import io.github.chicorycache.testsupport.MapCache;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.chicorycache.CompilerFixtures.call;
import static io.github.chicorycache.CompilerFixtures.compilerBuilder;
import static io.github.chicorycache.CompilerFixtures.directoryCache;
import static io.github.chicorycache.CompilerFixtures.entryFiles;
import static io.github.chicorycache.CompilerFixtures.files;
import static io.github.chicorycache.CompilerFixtures.namespaceDirectories;
import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.small;
import static io.github.chicorycache.CompilerFixtures.withoutDigest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests of {@link ChicoryCompiler}: sources, binding, namespaces, events, statistics and
 * the handling of modules it cannot cache or compile.
 */
class ChicoryCompilerTests {

	@TempDir
	Path root;

	// --- compiled once, then disk, then memory

	@Test
	void compilesThenLoadsFromDiskAfterRestartThenReusesFromMemory() {
		byte[] bytes = small(1);
		DirectoryCache cache = directoryCache(this.root);
		RecordingListener first = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).withListener(first).build();
		WasmModule module = parse(bytes);
		Function<Instance, Machine> factory = compiler.machineFactory(module);
		assertThat(first.sources()).containsExactly(CompilationSource.COMPILER);
		assertThat(call(module, factory, 3, 10)).isEqualTo(14);
		assertThat(cache.stats().puts()).isEqualTo(1);

		// a restart: a new compiler over the same directory
		DirectoryCache reopened = directoryCache(this.root);
		RecordingListener second = new RecordingListener();
		ChicoryCompiler restarted = compilerBuilder().withCache(reopened).withListener(second).build();
		WasmModule again = parse(bytes);
		Function<Instance, Machine> loaded = restarted.machineFactory(again);
		assertThat(second.sources()).containsExactly(CompilationSource.DISK);
		assertThat(call(again, loaded, 7, 100)).isEqualTo(108);
		assertThat(reopened.stats().hits()).isEqualTo(1);

		// the same compiler, a freshly parsed module: memory, no disk access
		long hits = reopened.stats().hits();
		long misses = reopened.stats().misses();
		long bytesRead = reopened.stats().bytesRead();
		WasmModule third = parse(bytes);
		Function<Instance, Machine> reused = restarted.machineFactory(third);
		assertThat(second.sources()).containsExactly(CompilationSource.DISK, CompilationSource.MEMORY);
		assertThat(call(third, reused, 0, -5)).isEqualTo(-4);
		assertThat(reopened.stats().hits()).isEqualTo(hits);
		assertThat(reopened.stats().misses()).isEqualTo(misses);
		assertThat(reopened.stats().bytesRead()).isEqualTo(bytesRead);
		assertThat(reopened.stats().puts()).isZero();
	}

	@Test
	void memoryHitDoesNotCallTheCache() {
		MapCache cache = new MapCache();
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		byte[] bytes = small(2);
		compiler.machineFactory(parse(bytes));
		int gets = cache.gets.get();
		int puts = cache.puts.get();
		WasmModule module = parse(bytes);
		Function<Instance, Machine> factory = compiler.machineFactory(module);
		assertThat(call(module, factory, 1, 1)).isEqualTo(4);
		assertThat(cache.gets.get()).isEqualTo(gets);
		assertThat(cache.puts.get()).isEqualTo(puts);
		assertThat(compiler.stats().compilations(CompilationSource.MEMORY)).isOne();
	}

	@Test
	void instanceBuilderProducesWorkingInstances() {
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		WasmModule module = parse(small(5));
		Instance.Builder builder = compiler.instanceBuilder(module);
		Instance first = builder.build();
		Instance second = builder.build();
		assertThat(call(first, 2, 1)).isEqualTo(8);
		assertThat(call(second, 7, 0)).isEqualTo(12);
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isOne();
		// a second builder for a new parse reuses the compiled code
		WasmModule again = parse(small(5));
		assertThat(call(compiler.instanceBuilder(again).build(), 3, 3)).isEqualTo(11);
		assertThat(compiler.stats().compilations(CompilationSource.MEMORY)).isOne();
	}

	@Test
	void everyFactoryIsBoundToItsOwnModuleObject() {
		byte[] bytes = small(3);
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		WasmModule compiled = parse(bytes);
		WasmModule reused = parse(bytes);
		Function<Instance, Machine> compiledFactory = compiler.machineFactory(compiled);
		Function<Instance, Machine> reusedFactory = compiler.machineFactory(reused);
		assertThat(compiler.stats().compilations(CompilationSource.MEMORY)).isOne();
		// both share the compiled code, yet each refuses an instance of the other module
		assertThat(((CompiledModule) reusedFactory).wasmModule()).isSameAs(reused);
		assertThat(((CompiledModule) compiledFactory).wasmModule()).isSameAs(compiled);
		Instance ofReused = Instance.builder(reused).build();
		Instance ofCompiled = Instance.builder(compiled).build();
		assertThatIllegalArgumentException().isThrownBy(() -> compiledFactory.apply(ofReused));
		assertThatIllegalArgumentException().isThrownBy(() -> reusedFactory.apply(ofCompiled));
		assertThat(compiledFactory.apply(ofCompiled)).isNotNull();
		assertThat(reusedFactory.apply(ofReused)).isNotNull();

		// also a disk hit in a new compiler
		ChicoryCompiler restarted = compilerBuilder().withCache(directoryCache(this.root)).build();
		WasmModule loaded = parse(bytes);
		Function<Instance, Machine> loadedFactory = restarted.machineFactory(loaded);
		assertThat(restarted.stats().compilations(CompilationSource.DISK)).isOne();
		assertThatIllegalArgumentException().isThrownBy(() -> loadedFactory.apply(ofCompiled));
	}

	@Test
	void differentModulesGetTheirOwnCode() {
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		WasmModule one = parse(small(1));
		WasmModule two = parse(small(2));
		WasmModule bigger = parse(WasmModuleWriter.functions(9, 1));
		assertThat(call(one, compiler.machineFactory(one), 0, 0)).isEqualTo(1);
		assertThat(call(two, compiler.machineFactory(two), 0, 0)).isEqualTo(2);
		assertThat(call(bigger, compiler.machineFactory(bigger), 8, 0)).isEqualTo(9);
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isEqualTo(3);
		assertThat(entryFiles(this.root)).hasSize(3);
	}

	@Test
	void worksWithoutPersistentCache() {
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withListener(listener).build();
		assertThat(compiler.cache()).isNull();
		WasmModule module = parse(small(1));
		assertThat(call(module, compiler.machineFactory(module), 2, 2)).isEqualTo(5);
		WasmModule again = parse(small(1));
		assertThat(call(again, compiler.machineFactory(again), 2, 2)).isEqualTo(5);
		assertThat(listener.sources()).containsExactly(CompilationSource.COMPILER, CompilationSource.MEMORY);
		// the size is known even without a cache
		assertThat(listener.events.get(0).bytes()).isPositive();
	}

	// --- namespaces

	@Test
	void storesEntriesInTheVersionAndOptionsNamespace() {
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		String namespace = compiler.namespace();
		assertThat(namespace).matches("chicory-" + Pattern.quote(chicoryJarVersion()) + "-[0-9a-f]{16}");
		assertThat(compiler.chicoryVersion()).isEqualTo(chicoryJarVersion());
		assertThat(compiler.namespace()).isEqualTo(namespace);

		RecordingListener listener = new RecordingListener();
		ChicoryCompiler listened = compilerBuilder().withCache(cache).withListener(listener).build();
		WasmModule module = parse(small(1));
		listened.machineFactory(module);
		assertThat(listener.last().namespace()).isEqualTo(namespace);

		assertThat(cache.entries()).singleElement().satisfies((entry) -> {
			assertThat(entry.namespace()).isEqualTo(namespace);
			assertThat(entry.key()).isEqualTo(module.digest());
			assertThat(entry.path()).matches(Pattern.quote(namespace) + "/sha-256/[a-z0-9_-]{2}/[a-z0-9_-]+\\.jar");
		});
		assertThat(entryFiles(cache.root())).containsExactly(cache.root().resolve(cache.entries().get(0).path()));
		assertThat(namespaceDirectories(this.root)).containsExactly(namespace);
		// nothing in the root namespace
		assertThat(cache.get(module.digest())).isNull();
	}

	@Test
	void chicoryVersionIsReadFromTheCompilerJar() {
		assertThat(ChicoryInternals.chicoryVersion()).isEqualTo(chicoryJarVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "fallback-fail", "fallback-silent", "max-functions-16", "class-name", "interpreted-functions" })
	void aCacheWrittenWithOtherOptionsIsNotUsed(String option) {
		MachineFactoryCompilerCustomizer customizer = switch (option) {
			case "fallback-fail" -> (builder) -> builder.withInterpreterFallback(InterpreterFallback.FAIL);
			case "fallback-silent" -> (builder) -> builder.withInterpreterFallback(InterpreterFallback.SILENT);
			case "max-functions-16" -> (builder) -> builder.withMaxFunctionsPerClass(16);
			case "class-name" -> (builder) -> builder.withClassName("com.example.Generated");
			case "interpreted-functions" -> (builder) -> builder.withInterpretedFunctions(Set.of(2));
			default -> throw new IllegalArgumentException(option);
		};
		byte[] bytes = small(4);
		ChicoryCompiler customized = compilerBuilder().withCache(directoryCache(this.root))
			.withCustomizer(customizer)
			.build();
		WasmModule module = parse(bytes);
		assertThat(call(module, customized.machineFactory(module), 2, 0)).isEqualTo(6);
		assertThat(customized.stats().compilations(CompilationSource.COMPILER)).isOne();

		ChicoryCompiler plain = compilerBuilder().withCache(directoryCache(this.root)).build();
		assertThat(plain.namespace()).isNotEqualTo(customized.namespace());
		WasmModule again = parse(bytes);
		assertThat(call(again, plain.machineFactory(again), 2, 0)).isEqualTo(6);
		assertThat(plain.stats().compilations(CompilationSource.COMPILER)).isOne();
		assertThat(plain.stats().compilations(CompilationSource.DISK)).isZero();
		assertThat(namespaceDirectories(this.root)).containsExactlyInAnyOrder(plain.namespace(),
				customized.namespace());

		// and each reads its own entry back
		ChicoryCompiler customizedAgain = compilerBuilder().withCache(directoryCache(this.root))
			.withCustomizer(customizer)
			.build();
		WasmModule third = parse(bytes);
		assertThat(call(third, customizedAgain.machineFactory(third), 7, 1)).isEqualTo(12);
		assertThat(customizedAgain.stats().compilations(CompilationSource.DISK)).isOne();
	}

	@Test
	void explicitDefaultsGiveTheSameNamespaceAsNoOptions() {
		ChicoryCompiler plain = compilerBuilder().withCache(directoryCache(this.root)).build();
		ChicoryCompiler explicit = compilerBuilder().withCache(directoryCache(this.root))
			.withCustomizer((builder) -> builder.withInterpreterFallback(InterpreterFallback.WARN)
				.withMaxFunctionsPerClass(12288)
				.withClassName("com.dylibso.chicory.$gen.CompiledMachine")
				.withInterpretedFunctions(Set.of()))
			.build();
		assertThat(explicit.namespace()).isEqualTo(plain.namespace());
		byte[] bytes = small(6);
		plain.machineFactory(parse(bytes));
		WasmModule module = parse(bytes);
		assertThat(call(module, explicit.machineFactory(module), 1, 1)).isEqualTo(8);
		assertThat(explicit.stats().compilations(CompilationSource.DISK)).isOne();
		assertThat(namespaceDirectories(this.root)).containsExactly(plain.namespace());
	}

	@Test
	void customizersApplyInOrderAndTheLastOneWins() {
		MachineFactoryCompilerCustomizer sixteen = (builder) -> builder.withMaxFunctionsPerClass(16);
		MachineFactoryCompilerCustomizer thirtyTwo = (builder) -> builder.withMaxFunctionsPerClass(32);
		String onlyThirtyTwo = compilerBuilder().withCustomizer(thirtyTwo).build().namespace();
		String onlySixteen = compilerBuilder().withCustomizer(sixteen).build().namespace();
		ChicoryCompiler sixteenThenThirtyTwo = compilerBuilder().withCustomizers(List.of(sixteen, thirtyTwo)).build();
		ChicoryCompiler thirtyTwoThenSixteen = compilerBuilder().withCustomizer(thirtyTwo)
			.withCustomizer(sixteen)
			.build();
		assertThat(onlyThirtyTwo).isNotEqualTo(onlySixteen);
		assertThat(sixteenThenThirtyTwo.namespace()).isEqualTo(onlyThirtyTwo);
		assertThat(thirtyTwoThenSixteen.namespace()).isEqualTo(onlySixteen);

		MachineFactoryCompiler.Builder builder = MachineFactoryCompiler.builder(parse(small(1)));
		sixteen.customize(builder);
		thirtyTwo.customize(builder);
		assertThat(ChicoryInternals.compilerOptions(builder)).containsEntry("maxFunctionsPerClass", "32");
	}

	@Test
	void customizersAreAppliedToEveryCompilation() {
		// 20 functions at 4 per class give 5 function groups, at the default one
		byte[] bytes = WasmModuleWriter.functions(20, 1);
		MapCache cache = new MapCache();
		ChicoryCompiler compiler = compilerBuilder().withCache(cache)
			.withCustomizer((builder) -> builder.withMaxFunctionsPerClass(4))
			.build();
		WasmModule module = parse(bytes);
		assertThat(call(module, compiler.machineFactory(module), 19, 1)).isEqualTo(21);
		assertThat(CompilerFixtures.classEntries(cache.singleValue())).filteredOn((name) -> name.contains("FuncGroup"))
			.hasSize(5);
	}

	@Test
	void aSimulatedOtherVersionNamespaceIsIgnoredLeftUntouchedButCounted() throws IOException {
		byte[] bytes = small(1);
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		String namespace = compiler.namespace();
		WasmModule module = parse(bytes);
		compiler.machineFactory(module);
		Path ours = CompilerFixtures.entryFile(cache, namespace, module);

		// a copy of our entry in the namespace of Chicory 1.6.1 with the same options,
		// and garbage in another version's namespace
		String fingerprint = namespace.substring(namespace.lastIndexOf('-') + 1);
		Path foreign = cache.root()
			.resolve("chicory-1.6.1-" + fingerprint)
			.resolve(cache.root().resolve(namespace).relativize(ours));
		Files.createDirectories(foreign.getParent());
		Files.copy(ours, foreign);
		Path garbage = cache.root().resolve("chicory-9.9.9-0123456789abcdef/sha-256/ab/cdefgh.jar");
		Files.createDirectories(garbage.getParent());
		Files.write(garbage, CompilerFixtures.garbage(300, 1));
		FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
		Files.setLastModifiedTime(foreign, old);
		Files.setLastModifiedTime(garbage, old);
		byte[] foreignContent = Files.readAllBytes(foreign);
		Files.delete(ours);

		DirectoryCache reopened = directoryCache(this.root);
		ChicoryCompiler restarted = compilerBuilder().withCache(reopened).build();
		WasmModule again = parse(bytes);
		assertThat(call(again, restarted.machineFactory(again), 4, 4)).isEqualTo(9);
		assertThat(restarted.stats().compilations(CompilationSource.COMPILER)).isOne();
		assertThat(restarted.stats().compilations(CompilationSource.DISK)).isZero();
		assertThat(reopened.stats().corruptEntries()).isZero();

		// untouched: same content, same last access
		assertThat(foreign).hasBinaryContent(foreignContent);
		assertThat(Files.getLastModifiedTime(foreign)).isEqualTo(old);
		assertThat(Files.getLastModifiedTime(garbage)).isEqualTo(old);

		// listed, and counted by cleanup
		assertThat(reopened.entries()).extracting(CacheEntry::namespace)
			.containsExactlyInAnyOrder(namespace, "chicory-1.6.1-" + fingerprint, "chicory-9.9.9-0123456789abcdef");
		assertThat(reopened.cleanup().entriesAfter()).isEqualTo(3);
		assertThat(reopened.stats().entryCount()).isEqualTo(3);
		assertThat(foreign).exists();
		assertThat(garbage).exists();

		// they count toward the limits and are evicted as least recently used
		DirectoryCache limited = DirectoryCache.builder(this.root).withCleanupOnOpen(false).withMaxEntries(2).build();
		CleanupResult result = limited.cleanup();
		assertThat(result.evicted()).containsEntry(EvictionCause.COUNT, 2L);
		assertThat(foreign).doesNotExist();
		assertThat(garbage).doesNotExist();
		assertThat(CompilerFixtures.entryFile(limited, namespace, again)).exists();
	}

	// --- modules it cannot cache or compile

	@Test
	void moduleWithoutDigestIsCompiledWithoutCache() {
		DirectoryCache cache = directoryCache(this.root);
		MapCache mapCache = new MapCache();
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).withListener(listener).build();
		ChicoryCompiler mapCompiler = compilerBuilder().withCache(mapCache).build();
		WasmModule module = withoutDigest(small(3));
		assertThat(module.digest()).isNull();
		assertThat(call(module, compiler.machineFactory(module), 5, 5)).isEqualTo(13);
		WasmModule again = withoutDigest(small(3));
		assertThat(call(again, compiler.machineFactory(again), 1, 5)).isEqualTo(9);
		assertThat(call(again, mapCompiler.machineFactory(again), 1, 6)).isEqualTo(10);

		assertThat(listener.sources()).containsExactly(CompilationSource.COMPILER, CompilationSource.COMPILER);
		assertThat(listener.events).allSatisfy((event) -> {
			assertThat(event.digest()).isNull();
			assertThat(event.namespace()).isEqualTo(compiler.namespace());
		});
		assertThat(entryFiles(this.root)).isEmpty();
		assertThat(cache.stats().puts()).isZero();
		assertThat(cache.stats().misses()).isZero();
		assertThat(mapCache.gets.get()).isZero();
		assertThat(mapCache.puts.get()).isZero();
		assertThat(compiler.stats().memoryEntries()).isZero();
	}

	@Test
	void moduleWithADigestOfAnotherAlgorithmIsCachedUnderIt() {
		String digest = "sha-512:" + Base64.getEncoder().encodeToString(CompilerFixtures.garbage(64, 5));
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		WasmModule module = withDigest(small(1), digest);
		assertThat(call(module, compiler.machineFactory(module), 1, 1)).isEqualTo(3);
		assertThat(cache.entries()).singleElement().satisfies((entry) -> {
			assertThat(entry.key()).isEqualTo(digest);
			assertThat(entry.path()).startsWith(compiler.namespace() + "/sha-512/");
		});
		ChicoryCompiler restarted = compilerBuilder().withCache(directoryCache(this.root)).build();
		WasmModule again = withDigest(small(1), digest);
		assertThat(call(again, restarted.machineFactory(again), 1, 1)).isEqualTo(3);
		assertThat(restarted.stats().compilations(CompilationSource.DISK)).isOne();
	}

	@Test
	void moduleWhoseDigestIsNoValidKeyCompilesWithoutTouchingTheDirectory() {
		DirectoryCache cache = directoryCache(this.root.resolve("cache"));
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		WasmModule module = withDigest(small(1), "../../escape:AAAA=");
		assertThat(call(module, compiler.machineFactory(module), 1, 1)).isEqualTo(3);
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isOne();
		assertThat(files(this.root, (file) -> true)).isEmpty();
	}

	private static WasmModule withDigest(byte[] bytes, String digest) {
		WasmModule parsed = parse(bytes);
		return WasmModule.builder()
			.setTypeSection(parsed.typeSection())
			.setFunctionSection(parsed.functionSection())
			.setExportSection(parsed.exportSection())
			.setCodeSection(parsed.codeSection())
			.withDigest(digest)
			.build();
	}

	@Test
	void moduleTheCompilerCannotCompileThrowsChicorysExceptionAndLeavesNothing() {
		byte[] simd = WasmModuleWriter.simd();
		Throwable bare = catchThrowable(() -> MachineFactoryCompiler.builder(parse(simd)).compile());
		assertThat(bare).isNotNull();

		DirectoryCache cache = directoryCache(this.root);
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).withListener(listener).build();
		Throwable thrown = catchThrowable(() -> compiler.machineFactory(parse(simd)));
		assertThat(thrown).hasSameClassAs(bare).hasMessage(bare.getMessage());
		Throwable again = catchThrowable(() -> compiler.instanceBuilder(parse(simd)));
		assertThat(again).hasSameClassAs(bare);

		assertThat(compiler.stats().failures()).isEqualTo(2);
		assertThat(compiler.stats().compilations()).allSatisfy((source, count) -> assertThat(count).isZero());
		assertThat(listener.events).isEmpty();
		assertThat(files(this.root, (file) -> true)).isEmpty();
		assertThat(cache.entries()).isEmpty();
		assertThat(cache.stats().puts()).isZero();
		assertThat(compiler.stats().memoryEntries()).isZero();

		// the compiler is not broken by it
		WasmModule module = parse(small(1));
		assertThat(call(module, compiler.machineFactory(module), 0, 0)).isEqualTo(1);
	}

	@Test
	void moduleWithoutDigestTheCompilerCannotCompileThrowsChicorysException() {
		WasmModule parsed = parse(WasmModuleWriter.simd());
		WasmModule module = WasmModule.builder()
			.setTypeSection(parsed.typeSection())
			.setFunctionSection(parsed.functionSection())
			.setExportSection(parsed.exportSection())
			.setCodeSection(parsed.codeSection())
			.build();
		Throwable bare = catchThrowable(() -> MachineFactoryCompiler.builder(module).compile());
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		assertThat(catchThrowable(() -> compiler.machineFactory(module))).isNotNull().hasSameClassAs(bare);
		assertThat(compiler.stats().failures()).isOne();
	}

	// --- faulty caches

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void aCacheThatThrowsOnEveryCallDoesNotBreakCompilation(boolean checked) {
		FailingCache cache = new FailingCache(checked);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).withMemoryMaxEntries(0).build();
		for (int i = 0; i < 2; i++) {
			WasmModule module = parse(small(7));
			assertThat(call(module, compiler.machineFactory(module), 1, 1)).isEqualTo(9);
		}
		assertThat(cache.calls.get()).isEqualTo(4);
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isEqualTo(2);
		assertThat(compiler.stats().failures()).isZero();
		assertThat(compiler.stats().recovered()).isZero();
		assertThat(compiler.stats().faults()).isEqualTo(4);
		assertThat(compiler.stats().lastFault()).isNotNull()
			.satisfies((fault) -> assertThat(fault.kind()).isEqualTo(CacheFault.Kind.WRITE))
			.satisfies((fault) -> assertThat(fault.message()).contains(checked ? "disk on fire" : "cache bug"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "out-of-memory", "stack-overflow", "assertion" })
	void anErrorFromTheCachesReadPathIsAFaultAndAMiss(String kind) {
		MapCache cache = new MapCache() {

			@Override
			public byte @Nullable [] get(String key) {
				super.get(key);
				throw switch (kind) {
					case "out-of-memory" -> new OutOfMemoryError("simulated: entry too large");
					case "stack-overflow" -> new StackOverflowError("simulated");
					default -> new AssertionError("simulated");
				};
			}

		};
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).withMemoryMaxEntries(0).build();
		WasmModule module = parse(small(7));
		assertThat(call(module, compiler.machineFactory(module), 1, 1)).isEqualTo(9);
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isOne();
		assertThat(compiler.stats().failures()).isZero();
		assertThat(compiler.stats().faults()).isOne();
		assertThat(compiler.stats().lastFault().kind()).isEqualTo(CacheFault.Kind.READ);
		assertThat(compiler.stats().lastFault().message()).contains("simulated");
		assertThat(cache.entries).as("the compiled module is still stored").hasSize(1);
	}

	@Test
	void theNamespaceCoversTheSystemPropertiesTheCompilerReads() {
		String plain = compilerBuilder().build().namespace();
		assertThat(ChicoryInternals.compilerSystemProperties()).as("a default JVM").isEmpty();
		String previous = System.getProperty(ChicoryInternals.HUGE_METHOD_LIMIT_PROPERTY);
		System.setProperty(ChicoryInternals.HUGE_METHOD_LIMIT_PROPERTY, "4000");
		try {
			String limited = compilerBuilder().build().namespace();
			assertThat(limited).isNotEqualTo(plain).startsWith("chicory-" + ChicoryInternals.chicoryVersion() + "-");
			assertThat(ChicoryInternals.compilerSystemProperties())
				.containsEntry(ChicoryInternals.HUGE_METHOD_LIMIT_PROPERTY, "4000");
		}
		finally {
			if (previous == null) {
				System.clearProperty(ChicoryInternals.HUGE_METHOD_LIMIT_PROPERTY);
			}
			else {
				System.setProperty(ChicoryInternals.HUGE_METHOD_LIMIT_PROPERTY, previous);
			}
		}
		assertThat(compilerBuilder().build().namespace()).isEqualTo(plain);
	}

	@Test
	void anUnwritableCacheDirectoryDoesNotBreakCompilation() throws IOException {
		Path file = Files.writeString(this.root.resolve("not-a-directory"), "x");
		DirectoryCache cache = DirectoryCache.builder(this.root.resolve("cache")).withCleanupOnOpen(false).build();
		// replace the root by a file after opening: every write fails
		Files.delete(this.root.resolve("cache"));
		Files.copy(file, this.root.resolve("cache"));
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		WasmModule module = parse(small(1));
		assertThat(call(module, compiler.machineFactory(module), 1, 1)).isEqualTo(3);
		assertThat(cache.stats().puts()).isZero();
	}

	// --- events and statistics

	@Test
	void listenersReceiveEveryCompilation() {
		DirectoryCache cache = directoryCache(this.root);
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(cache)
			.withListener(listener)
			.withMemoryMaxEntries(1)
			.build();
		WasmModule module = parse(small(1));
		compiler.machineFactory(module);
		CompilationEvent compiled = listener.last();
		byte[] entry = cache.namespace(compiler.namespace()).get(module.digest());
		assertThat(entry).isNotNull();
		assertThat(compiled.source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(compiled.digest()).isEqualTo(module.digest());
		assertThat(compiled.namespace()).isEqualTo(compiler.namespace());
		assertThat(compiled.bytes()).isEqualTo(CompilerFixtures.codeSize(entry));
		assertThat(compiled.duration()).isPositive();
		assertThat(compiled.recovered()).isFalse();
		assertThat(compiled.shared()).isFalse();

		compiler.machineFactory(parse(small(1)));
		CompilationEvent reused = listener.last();
		assertThat(reused.source()).isEqualTo(CompilationSource.MEMORY);
		assertThat(reused.bytes()).isEqualTo(CompilerFixtures.codeSize(entry));
		assertThat(reused.digest()).isEqualTo(module.digest());
		assertThat(reused.shared()).isFalse();

		compiler.clearMemory();
		compiler.machineFactory(parse(small(1)));
		CompilationEvent loaded = listener.last();
		assertThat(loaded.source()).isEqualTo(CompilationSource.DISK);
		assertThat(loaded.bytes()).isEqualTo(CompilerFixtures.codeSize(entry));
		assertThat(loaded.duration()).isPositive();
		assertThat(listener.events).hasSize(3);
	}

	@Test
	void aThrowingListenerDoesNotBreakCompilationNorOtherListeners() {
		RecordingListener after = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).withListener((event) -> {
			throw new IllegalStateException("listener bug");
		}).withListener(after).build();
		WasmModule module = parse(small(1));
		assertThat(call(module, compiler.machineFactory(module), 1, 1)).isEqualTo(3);
		WasmModule again = parse(small(1));
		assertThat(call(again, compiler.machineFactory(again), 1, 1)).isEqualTo(3);
		assertThat(after.sources()).containsExactly(CompilationSource.COMPILER, CompilationSource.MEMORY);
		assertThat(compiler.stats().failures()).isZero();
	}

	@Test
	void statsCountAndTimeEachSource() {
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		CompilerStats empty = compiler.stats();
		assertThat(empty.compilations()).containsOnlyKeys(CompilationSource.values())
			.allSatisfy((source, count) -> assertThat(count).isZero());
		assertThat(empty.timeSaved()).isNull();
		assertThat(empty.recovered()).isZero();
		assertThat(empty.failures()).isZero();

		compiler.machineFactory(parse(small(1)));
		compiler.machineFactory(parse(small(2)));
		assertThat(compiler.stats().timeSaved()).isNotNull();
		compiler.clearMemory();
		assertThat(compiler.stats().memoryEntries()).isZero();
		compiler.machineFactory(parse(small(1)));
		compiler.machineFactory(parse(small(1)));
		compiler.machineFactory(parse(small(1)));

		CompilerStats stats = compiler.stats();
		assertThat(stats.compilations(CompilationSource.COMPILER)).isEqualTo(2);
		assertThat(stats.compilations(CompilationSource.DISK)).isEqualTo(1);
		assertThat(stats.compilations(CompilationSource.MEMORY)).isEqualTo(2);
		assertThat(stats.time(CompilationSource.COMPILER)).isPositive();
		assertThat(stats.time(CompilationSource.DISK)).isPositive();
		assertThat(stats.time(CompilationSource.MEMORY)).isPositive();
		assertThat(stats.timeSaved()).isNotNull().isGreaterThanOrEqualTo(Duration.ZERO);
		assertThat(stats.memoryEntries()).isOne();
		byte[] entry = cache.namespace(compiler.namespace()).get(parse(small(1)).digest());
		assertThat(entry).isNotNull();
		assertThat(stats.memoryBytes()).isEqualTo(CompilerFixtures.codeSize(entry));
		assertThat(stats.compilations()).isUnmodifiable();
	}

	@Test
	void builderRejectsInvalidSettings() {
		assertThatIllegalArgumentException().isThrownBy(() -> compilerBuilder().withMemoryMaxEntries(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> compilerBuilder().withMemoryMaxBytes(-1));
		assertThatNullPointerException().isThrownBy(() -> compilerBuilder().withCustomizer(null));
		assertThatNullPointerException().isThrownBy(() -> compilerBuilder().withListener(null));
		assertThatNullPointerException().isThrownBy(() -> compilerBuilder().build().machineFactory(null));
	}

	@Test
	void aCustomizerCannotReplaceTheCompilersCache() {
		MapCache foreign = new MapCache();
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache)
			.withCustomizer((builder) -> builder.withCache(foreign))
			.build();
		assertThat(compiler.namespace()).isEqualTo(compilerBuilder().withCache(cache).build().namespace());
		WasmModule module = parse(small(1));
		assertThat(call(module, compiler.machineFactory(module), 0, 0)).isEqualTo(1);
		assertThat(foreign.gets.get() + foreign.puts.get()).isZero();
		assertThat(cache.stats().puts()).isOne();
	}

	static String chicoryJarVersion() {
		try (InputStream in = MachineFactoryCompiler.class
			.getResourceAsStream("/META-INF/maven/com.dylibso.chicory/compiler/pom.properties")) {
			Properties properties = new Properties();
			properties.load(in);
			return properties.getProperty("version");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
