package io.github.chicorycache.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;

/**
 * Case 5: 8 threads ask one {@code ChicoryCompiler} (fresh, over a fresh, empty
 * {@code DirectoryCache}) for the same cold module at the same moment. Each thread has
 * its own {@code WasmModule} parsed from the same bytes, as separate requests would.
 * Measured per repetition: compilations (target 1), puts, and the time from the start
 * signal until all 8 threads hold a machine factory. For scale, each repetition also
 * measures one thread alone (a single cold miss) and 8 threads compiling with the bare
 * {@code MachineFactoryCompiler} (no single-flight: 8 compilations).
 * <p>
 * Usage: {@code SingleFlightHarness <output.json> <repetitions> [module...]}
 */
public final class SingleFlightHarness {

	private static final int THREADS = 8;

	private SingleFlightHarness() {
	}

	public static void main(String[] args) throws Exception {
		Path output = Path.of(args[0]);
		int repetitions = Integer.parseInt(args[1]);
		String[] modules = (args.length > 2) ? Arrays.copyOfRange(args, 2, args.length) : BenchSupport.MODULES;
		StringBuilder json = new StringBuilder("{\"threads\": " + THREADS + ", \"repetitions\": " + repetitions
				+ ", \"cpus\": " + Runtime.getRuntime().availableProcessors() + ", \"results\": [\n");
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			for (int m = 0; m < modules.length; m++) {
				String name = modules[m];
				byte[] bytes = BenchSupport.moduleBytes(name, 0);
				// Warm the JIT and the compiler's own classes, so that repetitions
				// compare.
				for (int i = 0; i < 2; i++) {
					MachineFactoryCompiler.builder(Parser.parse(bytes)).compile();
				}
				List<Long> singleFlight = new ArrayList<>();
				List<Long> alone = new ArrayList<>();
				List<Long> bare = new ArrayList<>();
				List<Long> compilations = new ArrayList<>();
				List<Long> puts = new ArrayList<>();
				for (int rep = 0; rep < repetitions; rep++) {
					Run run = concurrent(pool, bytes, true);
					singleFlight.add(run.nanos());
					compilations.add(run.compilations());
					puts.add(run.puts());
					alone.add(single(bytes));
					bare.add(concurrent(pool, bytes, false).nanos());
					System.out.printf(Locale.ROOT,
							"%s rep %d: 8 threads ready in %.1f ms, %d compilation(s), %d put(s); "
									+ "1 thread %.1f ms; 8 bare compiles %.1f ms%n",
							name, rep + 1, ms(run.nanos()), run.compilations(), run.puts(), ms(alone.get(rep)),
							ms(bare.get(rep)));
				}
				json.append(String.format(Locale.ROOT,
						"  {\"module\": \"%s\", \"allReadyMs\": %s, \"compilations\": %s, \"puts\": %s, "
								+ "\"singleThreadMs\": %s, \"bareAllReadyMs\": %s}%s%n",
						name, millis(singleFlight), compilations, puts, millis(alone), millis(bare),
						(m < modules.length - 1) ? "," : ""));
			}
		}
		finally {
			pool.shutdownNow();
		}
		json.append("]}\n");
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, json);
	}

	private static Run concurrent(ExecutorService pool, byte[] bytes, boolean cached) throws Exception {
		Path directory = BenchSupport.freshDirectory("singleflight");
		try (DirectoryCache cache = BenchSupport.directoryCache(directory)) {
			ChicoryCompiler compiler = ChicoryCompiler.builder().withCache(cache).build();
			long nanos;
			try {
				List<WasmModule> modules = new ArrayList<>();
				for (int i = 0; i < THREADS; i++) {
					modules.add(Parser.parse(bytes));
				}
				CountDownLatch ready = new CountDownLatch(THREADS);
				CountDownLatch go = new CountDownLatch(1);
				List<Future<Object>> results = new ArrayList<>();
				for (WasmModule module : modules) {
					Callable<Object> task = () -> {
						ready.countDown();
						go.await();
						return cached ? compiler.machineFactory(module)
								: MachineFactoryCompiler.builder(module).compile();
					};
					results.add(pool.submit(task));
				}
				ready.await();
				long start = System.nanoTime();
				go.countDown();
				for (Future<Object> result : results) {
					if (result.get() == null) {
						throw new IllegalStateException("No machine factory");
					}
				}
				nanos = System.nanoTime() - start;
			}
			finally {
				// The store runs off the compiling thread: close() writes it before the
				// count.
				compiler.close();
			}
			return new Run(nanos, compiler.stats().compilations(CompilationSource.COMPILER), cache.stats().puts());
		}
		finally {
			BenchSupport.deleteTree(directory);
		}
	}

	private static long single(byte[] bytes) throws IOException {
		Path directory = BenchSupport.freshDirectory("single");
		try (DirectoryCache cache = BenchSupport.directoryCache(directory);
				ChicoryCompiler compiler = ChicoryCompiler.builder().withCache(cache).build()) {
			WasmModule module = Parser.parse(bytes);
			long start = System.nanoTime();
			compiler.machineFactory(module);
			return System.nanoTime() - start;
		}
		finally {
			BenchSupport.deleteTree(directory);
		}
	}

	private static double ms(long nanos) {
		return nanos / 1e6;
	}

	private static String millis(List<Long> nanos) {
		StringBuilder out = new StringBuilder("[");
		for (int i = 0; i < nanos.size(); i++) {
			out.append((i > 0) ? ", " : "").append(String.format(Locale.ROOT, "%.3f", ms(nanos.get(i))));
		}
		return out.append(']').toString();
	}

	private record Run(long nanos, long compilations, long puts) {
	}

}
