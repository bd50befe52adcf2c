package io.github.chicorycache;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.CompilerFixtures.RecordingListener;
import io.github.chicorycache.testsupport.MapCache;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.github.chicorycache.CompilerFixtures.call;
import static io.github.chicorycache.CompilerFixtures.compilerBuilder;
import static io.github.chicorycache.CompilerFixtures.directoryCache;
import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.small;
import static io.github.chicorycache.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Concurrent callers for the same module share one compilation.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ChicoryCompilerConcurrencyTests {

	private static final int THREADS = 8;

	@TempDir
	Path root;

	private final ExecutorService executor = Executors.newFixedThreadPool(THREADS);

	@AfterEach
	void shutdown() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
	}

	@Test
	void eightThreadsAskingForTheSameColdModuleCauseExactlyOneCompilation() throws Exception {
		// Big enough that the compilation overlaps the other threads' calls.
		byte[] bytes = WasmModuleWriter.functions(3000, 1);
		DirectoryCache cache = directoryCache(this.root);
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).withListener(listener).build();
		CyclicBarrier start = new CyclicBarrier(THREADS);
		List<Future<Integer>> results = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			int index = i;
			results.add(this.executor.submit(() -> {
				WasmModule module = parse(bytes);
				start.await(1, TimeUnit.MINUTES);
				Function<Instance, Machine> factory = compiler.machineFactory(module);
				return call(module, factory, 100 * index, 5);
			}));
		}
		for (int i = 0; i < THREADS; i++) {
			assertThat(results.get(i).get(1, TimeUnit.MINUTES)).isEqualTo(5 + 100 * i + 1);
		}
		assertThat(listener.count(CompilationSource.COMPILER)).isOne();
		assertThat(listener.count(CompilationSource.MEMORY)).isEqualTo(THREADS - 1);
		assertThat(listener.count(CompilationSource.DISK)).isZero();
		CompilerStats stats = compiler.stats();
		assertThat(stats.compilations(CompilationSource.COMPILER)).isOne();
		assertThat(stats.compilations(CompilationSource.MEMORY)).isEqualTo(THREADS - 1);
		assertThat(cache.stats().puts()).isOne();
		assertThat(cache.stats().hits() + cache.stats().misses()).isOne();
	}

	@Test
	void callersThatArriveDuringACompilationWaitForItAndShareItsResult() throws Exception {
		GateCache gate = new GateCache();
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(gate).withListener(listener).build();
		byte[] bytes = small(1);
		List<Future<Integer>> results = startAll(() -> {
			WasmModule module = parse(bytes);
			return call(module, compiler.machineFactory(module), 3, 10);
		});
		Thread compiling = gate.awaitEntered();
		awaitOthersWaitingOnTheCompilation(compiling);
		gate.open();

		for (Future<Integer> result : results) {
			assertThat(result.get(1, TimeUnit.MINUTES)).isEqualTo(14);
		}
		assertThat(listener.count(CompilationSource.COMPILER)).isOne();
		assertThat(listener.events).filteredOn(CompilationEvent::shared)
			.hasSize(THREADS - 1)
			.allSatisfy((event) -> assertThat(event.source()).isEqualTo(CompilationSource.MEMORY));
		assertThat(listener.events).filteredOn((event) -> event.source() == CompilationSource.COMPILER)
			.singleElement()
			.satisfies((event) -> assertThat(event.shared()).isFalse());
		assertThat(gate.gets.get()).isOne();
		assertThat(gate.puts.get()).isOne();
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isOne();
		assertThat(compiler.stats().compilations(CompilationSource.MEMORY)).isEqualTo(THREADS - 1);
	}

	@Test
	void callersThatWaitedForAFailedCompilationGetTheSameException() throws Exception {
		byte[] simd = WasmModuleWriter.simd();
		Throwable bare = catchThrowable(() -> MachineFactoryCompiler.builder(parse(simd)).compile());
		assertThat(bare).isNotNull();
		GateCache gate = new GateCache();
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(gate).withListener(listener).build();
		List<Future<Integer>> results = startAll(() -> {
			compiler.machineFactory(parse(simd));
			return 0;
		});
		Thread compiling = gate.awaitEntered();
		awaitOthersWaitingOnTheCompilation(compiling);
		gate.open();

		for (Future<Integer> result : results) {
			Throwable thrown = catchThrowable(() -> result.get(1, TimeUnit.MINUTES));
			assertThat(thrown.getCause()).hasSameClassAs(bare).hasMessage(bare.getMessage());
		}
		assertThat(gate.gets.get()).isOne();
		assertThat(gate.puts.get()).isZero();
		assertThat(gate.entries).isEmpty();
		assertThat(listener.events).isEmpty();
		assertThat(compiler.stats().failures()).isEqualTo(THREADS);
		assertThat(compiler.stats().compilations()).allSatisfy((source, count) -> assertThat(count).isZero());

		// nothing is left behind: the next call compiles again
		Throwable again = catchThrowable(() -> compiler.machineFactory(parse(simd)));
		assertThat(again).hasSameClassAs(bare);
		assertThat(gate.gets.get()).isEqualTo(2);
	}

	@Test
	void aCallerWaitingForAStuckCompilationCompilesTheModuleItselfAndReportsAFault() throws Exception {
		GateCache gate = new GateCache();
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(gate)
			.withListener(listener)
			.withSingleFlightTimeout(Duration.ofMillis(50))
			.build();
		byte[] bytes = small(1);
		// the first caller is stuck in the cache's get until the gate opens
		Future<Integer> stuck = this.executor.submit(() -> {
			WasmModule module = parse(bytes);
			return call(module, compiler.machineFactory(module), 3, 10);
		});
		gate.awaitEntered();

		WasmModule module = parse(bytes);
		assertThat(call(module, compiler.machineFactory(module), 3, 10)).isEqualTo(14);
		assertThat(listener.last().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(listener.last().shared()).isFalse();
		CompilerStats stats = compiler.stats();
		assertThat(stats.faults()).isOne();
		assertThat(stats.lastFault().kind()).isEqualTo(CacheFault.Kind.TIMEOUT);
		assertThat(stats.lastFault().message()).contains(module.digest());
		assertThat(gate.gets.get()).as("the entry is not read by the waiter").isZero();

		// later callers reuse the result; the stuck one finishes when it can
		WasmModule again = parse(bytes);
		assertThat(call(again, compiler.machineFactory(again), 2, 1)).isEqualTo(4);
		assertThat(listener.last().source()).isEqualTo(CompilationSource.MEMORY);
		gate.open();
		assertThat(stuck.get(1, TimeUnit.MINUTES)).isEqualTo(14);
		assertThat(gate.gets.get()).isOne();
		assertThat(compiler.stats().failures()).isZero();
	}

	@Test
	void theSingleFlightTimeoutMustBePositive() {
		assertThat(catchThrowable(() -> compilerBuilder().withSingleFlightTimeout(Duration.ZERO)))
			.isInstanceOf(IllegalArgumentException.class);
		assertThat(ChicoryCompiler.DEFAULT_SINGLE_FLIGHT_TIMEOUT).isEqualTo(Duration.ofMinutes(2));
	}

	@Test
	void differentModulesCompileConcurrently() throws Exception {
		MapCache cache = new MapCache();
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		List<Future<Integer>> results = new ArrayList<>();
		CyclicBarrier start = new CyclicBarrier(THREADS);
		for (int i = 0; i < THREADS; i++) {
			int seed = i;
			results.add(this.executor.submit(() -> {
				WasmModule module = parse(small(seed));
				start.await(1, TimeUnit.MINUTES);
				return call(module, compiler.machineFactory(module), 2, 0);
			}));
		}
		for (int i = 0; i < THREADS; i++) {
			assertThat(results.get(i).get(1, TimeUnit.MINUTES)).isEqualTo(2 + i);
		}
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isEqualTo(THREADS);
		assertThat(cache.entries).hasSize(THREADS);
	}

	@Test
	void separateCompilersOverOneDirectoryStoreOneEntry() throws Exception {
		byte[] bytes = small(9);
		CyclicBarrier start = new CyclicBarrier(THREADS);
		List<Future<Integer>> results = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			results.add(this.executor.submit(() -> {
				ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
				WasmModule module = parse(bytes);
				start.await(1, TimeUnit.MINUTES);
				return call(module, compiler.machineFactory(module), 1, 1);
			}));
		}
		for (Future<Integer> result : results) {
			assertThat(result.get(1, TimeUnit.MINUTES)).isEqualTo(11);
		}
		assertThat(CompilerFixtures.entryFiles(this.root)).hasSize(1);
		assertThat(CompilerFixtures.files(this.root.resolve(DirectoryCache.TEMP_DIRECTORY), (file) -> true)).isEmpty();
		ChicoryCompiler reader = compilerBuilder().withCache(directoryCache(this.root)).build();
		WasmModule module = parse(bytes);
		assertThat(call(module, reader.machineFactory(module), 0, 0)).isEqualTo(9);
		assertThat(reader.stats().compilations(CompilationSource.DISK)).isOne();
	}

	private List<Future<Integer>> startAll(Callable<Integer> task) {
		CyclicBarrier start = new CyclicBarrier(THREADS);
		List<Future<Integer>> results = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			results.add(this.executor.submit(() -> {
				start.await(1, TimeUnit.MINUTES);
				return task.call();
			}));
		}
		return results;
	}

	/**
	 * Waits until all threads of the pool but the compiling one are parked on the
	 * compilation's future.
	 */
	private void awaitOthersWaitingOnTheCompilation(Thread compiling) {
		List<Thread> workers = new ArrayList<>();
		await("all pool threads to start", 60_000, () -> {
			workers.clear();
			Thread.getAllStackTraces()
				.keySet()
				.stream()
				.filter((thread) -> thread != compiling && thread.getName().startsWith(poolPrefix(compiling)))
				.forEach(workers::add);
			return workers.size() == THREADS - 1;
		});
		await("the other threads to wait for the compilation", 60_000,
				() -> workers.stream().allMatch((thread) -> waitsOnACompletableFuture(thread)));
	}

	private static String poolPrefix(Thread thread) {
		String name = thread.getName();
		return name.substring(0, name.lastIndexOf('-') + 1);
	}

	private static boolean waitsOnACompletableFuture(Thread thread) {
		Object blocker = LockSupport.getBlocker(thread);
		return blocker != null && blocker.getClass().getName().startsWith("java.util.concurrent.CompletableFuture");
	}

	/**
	 * A cache whose first get blocks until the test opens it, so the test can let other
	 * callers arrive while a compilation is in progress.
	 */
	static final class GateCache extends MapCache {

		private final CountDownLatch entered = new CountDownLatch(1);

		private final CountDownLatch open = new CountDownLatch(1);

		private final AtomicReference<@Nullable Thread> thread = new AtomicReference<>();

		@Override
		public byte @Nullable [] get(String key) {
			if (this.thread.compareAndSet(null, Thread.currentThread())) {
				this.entered.countDown();
				try {
					if (!this.open.await(1, TimeUnit.MINUTES)) {
						throw new IllegalStateException("The gate was never opened");
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
			return super.get(key);
		}

		Thread awaitEntered() throws InterruptedException {
			assertThat(this.entered.await(1, TimeUnit.MINUTES)).as("a compilation reached the cache").isTrue();
			return this.thread.get();
		}

		void open() {
			this.open.countDown();
		}

	}

}
