package io.github.chicorycache;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.CompilerFixtures.RecordingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import static io.github.chicorycache.CompilerFixtures.call;
import static io.github.chicorycache.CompilerFixtures.compilerBuilder;
import static io.github.chicorycache.CompilerFixtures.directoryCache;
import static io.github.chicorycache.CompilerFixtures.machineClassLoader;
import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.small;
import static io.github.chicorycache.CompilerFixtures.totalLoadedClasses;
import static io.github.chicorycache.testsupport.Await.gcUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * In-JVM reuse of compiled code: bounded, and free of leaks of modules and class loaders.
 */
@Isolated("measures class loading and garbage collection of the whole JVM")
class ChicoryCompilerMemoryTests {

	/**
	 * Classes that unrelated activity (JIT, lambda forms, the test framework) may load
	 * during a measurement; a compiled module defines 4.
	 */
	private static final int NOISE = 40;

	private static final int ROUNDS = 50;

	private final ClassLoadingMXBean classLoading = ManagementFactory.getClassLoadingMXBean();

	@TempDir
	Path root;

	@Test
	void memoryKeepsAtMostMaxEntriesModulesLeastRecentlyUsedFirstOut() {
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root))
			.withListener(listener)
			.withMemoryMaxEntries(2)
			.build();
		compiler.machineFactory(parse(small(1)));
		compiler.machineFactory(parse(small(2)));
		compiler.machineFactory(parse(small(3)));
		assertThat(compiler.stats().memoryEntries()).isEqualTo(2);
		assertThat(source(compiler, listener, small(3))).isEqualTo(CompilationSource.MEMORY);
		assertThat(source(compiler, listener, small(2))).isEqualTo(CompilationSource.MEMORY);
		// the first was evicted: it comes from disk, and takes the place of the least
		// recently used, the third
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.DISK);
		assertThat(source(compiler, listener, small(2))).isEqualTo(CompilationSource.MEMORY);
		assertThat(source(compiler, listener, small(3))).isEqualTo(CompilationSource.DISK);
		assertThat(compiler.stats().memoryEntries()).isEqualTo(2);
	}

	@Test
	void maxEntriesZeroDisablesReuse() {
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root))
			.withListener(listener)
			.withMemoryMaxEntries(0)
			.build();
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.COMPILER);
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.DISK);
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.DISK);
		assertThat(compiler.stats().memoryEntries()).isZero();
		assertThat(compiler.stats().memoryBytes()).isZero();
	}

	@Test
	void memoryKeepsAtMostMaxBytesOfCompiledCode() {
		long size = compilerBuilder().build().compile(parse(small(1))).event().bytes();
		assertThat(size).isPositive();
		long maxBytes = size + size / 2;
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root))
			.withListener(listener)
			.withMemoryMaxBytes(maxBytes)
			.build();
		compiler.machineFactory(parse(small(1)));
		assertThat(compiler.stats().memoryEntries()).isOne();
		compiler.machineFactory(parse(small(2)));
		assertThat(compiler.stats().memoryEntries()).isOne();
		assertThat(compiler.stats().memoryBytes()).isPositive().isLessThanOrEqualTo(maxBytes);
		assertThat(source(compiler, listener, small(2))).isEqualTo(CompilationSource.MEMORY);
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.DISK);
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.MEMORY);
		assertThat(compiler.stats().memoryBytes()).isLessThanOrEqualTo(maxBytes);
	}

	@Test
	void moduleLargerThanMaxBytesIsNotKept() {
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root))
			.withListener(listener)
			.withMemoryMaxBytes(1000)
			.build();
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.COMPILER);
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.DISK);
		assertThat(compiler.stats().memoryEntries()).isZero();
	}

	@Test
	void clearMemoryForgetsCompiledModules() {
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root))
			.withListener(listener)
			.build();
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.COMPILER);
		compiler.clearMemory();
		assertThat(compiler.stats().memoryEntries()).isZero();
		assertThat(compiler.stats().memoryBytes()).isZero();
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.DISK);
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.MEMORY);
	}

	@Test
	void theNamespaceIsReadOnceWhileCustomizersApplyToEveryCompilation() {
		// customizers are assumed to set the same options every time: one that does not
		// still gets one namespace, the first one
		RecordingListener listener = new RecordingListener();
		SwitchingCustomizer customizer = new SwitchingCustomizer();
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root))
			.withListener(listener)
			.withCustomizer(customizer)
			.build();
		String namespace = compiler.namespace();
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.COMPILER);
		assertThat(source(compiler, listener, small(2))).isEqualTo(CompilationSource.COMPILER);
		assertThat(source(compiler, listener, small(1))).isEqualTo(CompilationSource.MEMORY);
		assertThat(listener.events).allSatisfy((event) -> assertThat(event.namespace()).isEqualTo(namespace));
		assertThat(customizer.calls).as("once for the namespace, once per compilation").isEqualTo(3);
	}

	@Test
	void repeatedCompilationOfTheSameBytesDefinesNoNewClasses() {
		byte[] bytes = small(1);
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		for (int i = 0; i < 3; i++) {
			compileAndCall(compiler, bytes);
		}
		long total = totalLoadedClasses();
		long loaded = this.classLoading.getLoadedClassCount();
		for (int i = 0; i < ROUNDS; i++) {
			if (i % 10 == 0) {
				System.gc();
			}
			compileAndCall(compiler, bytes);
		}
		assertThat(totalLoadedClasses() - total).as("classes loaded since").isLessThanOrEqualTo(NOISE);
		assertThat(this.classLoading.getLoadedClassCount() - loaded).as("classes loaded now minus before")
			.isLessThanOrEqualTo(NOISE);
		assertThat(compiler.stats().compilations(CompilationSource.MEMORY)).isGreaterThanOrEqualTo(ROUNDS - 5);
	}

	@Test
	void withoutReuseEveryDiskLoadDefinesTheClassesAgainAndGarbageCollectionUnloadsThem() {
		// The control for the test above: the measurement sees class definitions.
		byte[] bytes = small(1);
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root))
			.withMemoryMaxEntries(0)
			.build();
		for (int i = 0; i < 3; i++) {
			compileAndCall(compiler, bytes);
		}
		System.gc();
		long total = totalLoadedClasses();
		long loaded = this.classLoading.getLoadedClassCount();
		for (int i = 0; i < ROUNDS; i++) {
			compileAndCall(compiler, bytes);
		}
		assertThat(compiler.stats().compilations(CompilationSource.DISK)).isEqualTo(ROUNDS + 2);
		assertThat(totalLoadedClasses() - total).isGreaterThanOrEqualTo(4L * ROUNDS);
		// after a full GC the loaded classes do not grow without bound
		assertThat(gcUntil(() -> this.classLoading.getLoadedClassCount() - loaded <= NOISE))
			.as("classes of dropped factories are unloaded")
			.isTrue();
	}

	@Test
	void classLoadersOfDroppedFactoriesBecomeUnreachable() {
		byte[] bytes = small(2);
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root))
			.withMemoryMaxEntries(0)
			.build();
		List<WeakReference<ClassLoader>> loaders = loadersOfCompilations(compiler, bytes, 5);
		assertThat(compiler.stats().compilations(CompilationSource.DISK)).isEqualTo(4);
		assertThat(gcUntil(() -> loaders.stream().allMatch((loader) -> loader.get() == null)))
			.as("class loaders are collected while the compiler is alive")
			.isTrue();
		assertThat(compiler.stats().memoryEntries()).isZero();
	}

	@Test
	void reusedCodeIsReleasedByClearMemory() {
		byte[] bytes = small(3);
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		List<WeakReference<ClassLoader>> loaders = loadersOfCompilations(compiler, bytes, 3);
		assertThat(compiler.stats().compilations(CompilationSource.MEMORY)).isEqualTo(2);
		assertThat(loaders).allSatisfy((loader) -> assertThat(loader.get()).isSameAs(loaders.get(0).get()));
		assertThat(loaders.get(0).get()).as("held for reuse").isNotNull();
		compiler.clearMemory();
		assertThat(gcUntil(() -> loaders.get(0).get() == null)).as("released after clearMemory").isTrue();
	}

	@Test
	void modulesAreNotRetainedByTheCompiler() {
		byte[] bytes = small(4);
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		List<WeakReference<WasmModule>> modules = new ArrayList<>();
		modules.add(compileAndForget(compiler, bytes));
		modules.add(compileAndForget(compiler, bytes));
		modules.add(compileAndForget(compiler, bytes));
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isOne();
		assertThat(compiler.stats().compilations(CompilationSource.MEMORY)).isEqualTo(2);
		assertThat(gcUntil(() -> modules.stream().allMatch((module) -> module.get() == null)))
			.as("modules are collected while the compiler and its reused code are alive")
			.isTrue();
		assertThat(compiler.stats().memoryEntries()).isOne();
		// the compiled code is still there for the next parse
		WasmModule module = parse(bytes);
		assertThat(call(module, compiler.machineFactory(module), 1, 1)).isEqualTo(6);
		assertThat(compiler.stats().compilations(CompilationSource.MEMORY)).isEqualTo(3);
	}

	private static CompilationSource source(ChicoryCompiler compiler, RecordingListener listener, byte[] bytes) {
		WasmModule module = parse(bytes);
		Function<Instance, Machine> factory = compiler.machineFactory(module);
		assertThat(call(module, factory, 0, 0)).isEqualTo(parseSeed(module));
		return listener.last().source();
	}

	private static int parseSeed(WasmModule module) {
		// f0(0) of small(seed) is the seed, checked against the interpreter
		return (int) Instance.builder(module).build().export("f0").apply(0)[0];
	}

	private static void compileAndCall(ChicoryCompiler compiler, byte[] bytes) {
		WasmModule module = parse(bytes);
		assertThat(call(module, compiler.machineFactory(module), 2, 1)).isEqualTo(4);
	}

	private static List<WeakReference<ClassLoader>> loadersOfCompilations(ChicoryCompiler compiler, byte[] bytes,
			int count) {
		List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			WasmModule module = parse(bytes);
			ClassLoader loader = machineClassLoader(module, compiler.machineFactory(module));
			assertThat(loader).isNotSameAs(ChicoryCompilerMemoryTests.class.getClassLoader());
			loaders.add(new WeakReference<>(loader));
		}
		return loaders;
	}

	private static WeakReference<WasmModule> compileAndForget(ChicoryCompiler compiler, byte[] bytes) {
		WasmModule module = parse(bytes);
		Function<Instance, Machine> factory = compiler.machineFactory(module);
		assertThat(call(module, factory, 0, 1)).isEqualTo(5);
		return new WeakReference<>(module);
	}

	/**
	 * A customizer whose options alternate, so consecutive compilations of one module
	 * land in two namespaces.
	 */
	static final class SwitchingCustomizer implements MachineFactoryCompilerCustomizer {

		int calls;

		@Override
		public synchronized void customize(MachineFactoryCompiler.Builder builder) {
			builder.withMaxFunctionsPerClass(((this.calls++ % 2) == 0) ? 4 : 8);
		}

	}

}
