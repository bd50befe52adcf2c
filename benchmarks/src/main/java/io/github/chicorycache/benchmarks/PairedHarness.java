package io.github.chicorycache.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;

/**
 * The ratios of cases 1 to 3, measured so that a loaded machine does not decide them: in
 * one warmed-up JVM, all variants run once per round, in an order rotated every round,
 * each on fresh state prepared outside the timing, and each ratio is the median over the
 * rounds of the per-round ratio. Load that comes and goes (other builds on the machine)
 * then hits both sides of a ratio alike, which sequential JMH runs cannot promise. Wall
 * time and the thread's CPU time are both recorded.
 * <p>
 * Usage:
 * {@code PairedHarness <output.json> <min rounds> <max rounds> <seconds per module> [module...]}
 */
public final class PairedHarness {

	/** Minimum duration of one sample; faster variants are repeated within a sample. */
	private static final double SAMPLE_MILLIS = 10;

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	/** The ratios: name, numerator variant, denominator variant. */
	private static final String[][] RATIOS = { { "missVsBare", "chicoryCompilerMiss", "bareCompile" },
			{ "bareMapVsBare", "bareCompileMapCache", "bareCompile" },
			{ "missMapVsBare", "chicoryCompilerMissMapCache", "bareCompile" },
			{ "missVsMissMap", "chicoryCompilerMiss", "chicoryCompilerMissMapCache" },
			{ "directoryHitVsMapHit", "directoryCacheHit", "mapCacheHit" },
			{ "compilerMapHitVsMapHit", "chicoryCompilerMapHit", "mapCacheHit" },
			{ "diskHitVsMapHit", "chicoryCompilerDiskHit", "mapCacheHit" },
			{ "diskHitVsMemoryHit", "chicoryCompilerDiskHit", "chicoryCompilerMemoryHit" },
			{ "bareVsDiskHit", "bareCompile", "chicoryCompilerDiskHit" } };

	private PairedHarness() {
	}

	public static void main(String[] args) throws Exception {
		Path output = Path.of(args[0]);
		int minRounds = Integer.parseInt(args[1]);
		int maxRounds = Integer.parseInt(args[2]);
		long budget = (long) (Double.parseDouble(args[3]) * 1e9);
		String[] modules = (args.length > 4) ? Arrays.copyOfRange(args, 4, args.length) : BenchSupport.MODULES;
		StringBuilder json = new StringBuilder("{\"results\": [\n");
		for (int m = 0; m < modules.length; m++) {
			json.append(run(modules[m], minRounds, maxRounds, budget)).append((m < modules.length - 1) ? ",\n" : "\n");
		}
		json.append("]}\n");
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, json);
	}

	private static String run(String name, int minRounds, int maxRounds, long budget) throws Exception {
		Fixture fixture = new Fixture(name);
		try {
			List<Variant> variants = fixture.variants();
			// Warm-up: every variant until the JIT has settled a little.
			long warmupEnd = System.nanoTime() + budget / 4;
			int warmups = 0;
			while (warmups < 2 || (System.nanoTime() < warmupEnd && warmups < 50)) {
				for (Variant variant : variants) {
					variant.calibrate(variant.measure()[0]);
				}
				warmups++;
			}
			Map<String, List<double[]>> samples = new LinkedHashMap<>();
			variants.forEach((variant) -> samples.put(variant.name(), new ArrayList<>()));
			long end = System.nanoTime() + budget;
			int rounds = 0;
			while (rounds < minRounds || (rounds < maxRounds && System.nanoTime() < end)) {
				for (int i = 0; i < variants.size(); i++) {
					Variant variant = variants.get((i + rounds) % variants.size());
					samples.get(variant.name()).add(variant.measure());
				}
				rounds++;
			}
			StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
					"  {\"module\": \"%s\", \"rounds\": %d, \"warmupRounds\": %d, \"jarBytes\": %d, "
							+ "\"variants\": {",
					name, rounds, warmups, fixture.jar.length));
			int v = 0;
			for (Map.Entry<String, List<double[]>> entry : samples.entrySet()) {
				double[] wall = entry.getValue().stream().mapToDouble((s) -> s[0]).toArray();
				double[] cpu = entry.getValue().stream().mapToDouble((s) -> s[1]).toArray();
				out.append(String.format(Locale.ROOT, "%s\"%s\": {\"wallMs\": %.4f, \"cpuMs\": %.4f}",
						(v++ > 0) ? ", " : "", entry.getKey(), median(wall), median(cpu)));
			}
			out.append("}, \"ratios\": {");
			System.out.printf(Locale.ROOT, "%s (%d rounds):", name, rounds);
			for (int r = 0; r < RATIOS.length; r++) {
				List<double[]> numerator = samples.get(RATIOS[r][1]);
				List<double[]> denominator = samples.get(RATIOS[r][2]);
				double[] wall = new double[rounds];
				double[] cpu = new double[rounds];
				for (int i = 0; i < rounds; i++) {
					wall[i] = numerator.get(i)[0] / denominator.get(i)[0];
					cpu[i] = numerator.get(i)[1] / denominator.get(i)[1];
				}
				Arrays.sort(wall);
				out.append(String.format(Locale.ROOT,
						"%s\"%s\": {\"wall\": %.4f, \"wallQ1\": %.4f, \"wallQ3\": %.4f, \"cpu\": %.4f}",
						(r > 0) ? ", " : "", RATIOS[r][0], median(wall), quantile(wall, 0.25), quantile(wall, 0.75),
						median(cpu)));
				System.out.printf(Locale.ROOT, " %s=%.3f", RATIOS[r][0], median(wall));
			}
			System.out.println();
			return out.append("}}").toString();
		}
		finally {
			fixture.close();
		}
	}

	private static double median(double[] values) {
		return quantile(values, 0.5);
	}

	private static double quantile(double[] values, double q) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		double position = q * (sorted.length - 1);
		int lower = (int) Math.floor(position);
		int upper = (int) Math.ceil(position);
		return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
	}

	/**
	 * One way of obtaining a machine factory: fresh state is prepared, the call is timed,
	 * the state is checked and released.
	 */
	private interface Step {

		Object call() throws Exception;

	}

	private static final class Variant {

		private final String name;

		private final Prepared prepare;

		private int repeat = 1;

		Variant(String name, Prepared prepare) {
			this.name = name;
			this.prepare = prepare;
		}

		String name() {
			return this.name;
		}

		/**
		 * Sets how many calls one sample times, so that a sample lasts at least about
		 * {@link #SAMPLE_MILLIS} (fast variants are then measured warm, like JMH does).
		 * @param lastMillis the duration of the last call
		 */
		void calibrate(double lastMillis) {
			this.repeat = (int) Math.max(1, Math.min(1000, Math.ceil(SAMPLE_MILLIS / Math.max(lastMillis, 1e-3))));
		}

		/**
		 * Times {@code repeat} calls, each on its own fresh state.
		 * @return wall and CPU milliseconds per call
		 */
		double[] measure() throws Exception {
			List<Prepared.Run> runs = new ArrayList<>(this.repeat);
			for (int i = 0; i < this.repeat; i++) {
				runs.add(this.prepare.prepare());
			}
			Object[] results = new Object[this.repeat];
			long cpu = threads.getCurrentThreadCpuTime();
			long start = System.nanoTime();
			for (int i = 0; i < this.repeat; i++) {
				results[i] = runs.get(i).step().call();
			}
			long wall = System.nanoTime() - start;
			cpu = threads.getCurrentThreadCpuTime() - cpu;
			for (int i = 0; i < this.repeat; i++) {
				if (results[i] == null) {
					throw new IllegalStateException(this.name + " returned nothing");
				}
				runs.get(i).after().run();
			}
			return new double[] { wall / 1e6 / this.repeat, cpu / 1e6 / this.repeat };
		}

	}

	private interface Prepared {

		Run prepare() throws Exception;

		record Run(Step step, Runnable after) {
		}

	}

	private static final class Fixture {

		final WasmModule module;

		final byte[] jar;

		final Path directory;

		final DirectoryCache cache;

		final BenchSupport.MapCache mapCache = new BenchSupport.MapCache();

		final ChicoryCompiler mapCompiler;

		final ChicoryCompiler diskCompiler;

		final ChicoryCompiler memoryCompiler;

		Fixture(String name) {
			this.module = BenchSupport.parse(name);
			String digest = this.module.digest();
			this.directory = BenchSupport.freshDirectory("paired");
			this.cache = BenchSupport.directoryCache(this.directory);
			this.diskCompiler = BenchSupport.compiler(this.cache, false);
			require(this.diskCompiler.compile(this.module).event().source(), CompilationSource.COMPILER);
			String namespace = this.diskCompiler.namespace();
			this.jar = this.cache.namespace(namespace).get(digest);
			this.mapCache.putIfAbsent(digest, this.jar);
			this.cache.putIfAbsent(digest, this.jar);
			// Over a map, the compiler stores its own entry on a first miss.
			this.mapCompiler = BenchSupport.compiler(new BenchSupport.MapCache(), false);
			require(this.mapCompiler.compile(this.module).event().source(), CompilationSource.COMPILER);
			this.memoryCompiler = BenchSupport.compiler(this.cache, true);
			require(this.memoryCompiler.compile(this.module).event().source(), CompilationSource.DISK);
		}

		List<Variant> variants() {
			WasmModule wasm = this.module;
			List<Variant> variants = new ArrayList<>();
			variants.add(new Variant("bareCompile",
					() -> new Prepared.Run(() -> MachineFactoryCompiler.builder(wasm).compile(), () -> {
					})));
			variants.add(new Variant("bareCompileMapCache", () -> {
				BenchSupport.MapCache fresh = new BenchSupport.MapCache();
				return new Prepared.Run(() -> MachineFactoryCompiler.builder(wasm).withCache(fresh).compile(),
						() -> require(fresh.size(), 1));
			}));
			variants.add(new Variant("chicoryCompilerMissMapCache", () -> {
				BenchSupport.MapCache fresh = new BenchSupport.MapCache();
				ChicoryCompiler compiler = BenchSupport.compiler(fresh, false);
				return new Prepared.Run(() -> compiler.compile(wasm), () -> require(fresh.size(), 1));
			}));
			variants.add(new Variant("chicoryCompilerMiss", () -> {
				Path fresh = BenchSupport.freshDirectory("paired-miss");
				DirectoryCache cache = BenchSupport.directoryCache(fresh);
				ChicoryCompiler compiler = BenchSupport.compiler(cache, false);
				return new Prepared.Run(() -> compiler.compile(wasm), () -> {
					require(cache.stats().puts(), 1);
					cache.close();
					BenchSupport.deleteTree(fresh);
				});
			}));
			variants.add(new Variant("mapCacheHit", () -> new Prepared.Run(
					() -> MachineFactoryCompiler.builder(wasm).withCache(this.mapCache).compile(), () -> {
					})));
			variants.add(new Variant("directoryCacheHit",
					() -> new Prepared.Run(() -> MachineFactoryCompiler.builder(wasm).withCache(this.cache).compile(),
							() -> {
							})));
			variants.add(new Variant("chicoryCompilerMapHit",
					() -> new Prepared.Run(
							() -> checked(this.mapCompiler.compile(wasm).event().source(), CompilationSource.DISK),
							() -> {
							})));
			variants.add(new Variant("chicoryCompilerDiskHit",
					() -> new Prepared.Run(
							() -> checked(this.diskCompiler.compile(wasm).event().source(), CompilationSource.DISK),
							() -> {
							})));
			variants.add(new Variant("chicoryCompilerMemoryHit",
					() -> new Prepared.Run(
							() -> checked(this.memoryCompiler.compile(wasm).event().source(), CompilationSource.MEMORY),
							() -> {
							})));
			return variants;
		}

		void close() {
			this.cache.close();
			BenchSupport.deleteTree(this.directory);
		}

		private static Object checked(CompilationSource actual, CompilationSource expected) {
			require(actual, expected);
			return actual;
		}

		private static void require(Object actual, Object expected) {
			if (!String.valueOf(actual).equals(String.valueOf(expected))) {
				throw new IllegalStateException("Expected " + expected + " but was " + actual);
			}
		}

	}

}
