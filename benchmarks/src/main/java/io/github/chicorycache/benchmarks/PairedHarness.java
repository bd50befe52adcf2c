package io.github.chicorycache.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.redis.RedisCacheTier;
import io.github.chicorycache.testsupport.Await;
import io.github.chicorycache.testsupport.RedisServerProcess;

/**
 * The in-JVM ratios, measured so that neither a loaded machine nor warmed-up objects
 * decide them: in one JVM, all variants run once per round, in an order rotated every
 * round, and every measured call gets FRESH cache objects (a new {@code DirectoryCache}
 * over the warm directory, a new {@code ChicoryCompiler}, a new map), prepared outside
 * the timing, as a process that starts would have them. Each ratio is the median over the
 * rounds of the per-round ratio. Wall time and the thread's CPU time are both recorded.
 * <ul>
 * <li>{@code bareCompile}: {@code MachineFactoryCompiler.builder(m).compile()};</li>
 * <li>{@code miss}: {@code ChicoryCompiler} over a new, empty {@code DirectoryCache}
 * (compile and store);</li>
 * <li>{@code mapHit}: {@code MachineFactoryCompiler} with a map holding the JAR Chicory
 * wrote for this module: the floor of any cache;</li>
 * <li>{@code plainFileHit}: the same with upstream's plain-file cache
 * ({@link PlainFileCache});</li>
 * <li>{@code diskHit}: {@code ChicoryCompiler} over a {@code DirectoryCache} holding the
 * entry;</li>
 * <li>{@code reuse}: {@code ChicoryCompiler} asked again for a module it compiled in this
 * JVM (one long-lived compiler: reuse is what it keeps);</li>
 * <li>{@code upstreamWarm}: upstream's warm start in this JVM, {@code Parser.parse} of
 * the bytes and a plain-file hit;</li>
 * <li>{@code loadHit}: {@code ChicoryCompiler.load(bytes)} over a {@code DirectoryCache}
 * holding the entry {@code load} stored;</li>
 * <li>{@code loadReuse}: {@code load(bytes)} of bytes this compiler loaded before;</li>
 * <li>{@code remoteHit}: {@code ChicoryCompiler} over a new, empty {@code DirectoryCache}
 * behind the Redis tier, on a {@code redis-server} that the harness starts on a free
 * loopback port and that holds the entry: get from Redis, verify, copy into the local
 * directory, load. The tier (its connection) lives as long as the harness, as in a
 * process; the local cache and the compiler are new for each call. Left out when no
 * {@code redis-server} is installed ({@code REDIS_SERVER} names another binary).</li>
 * </ul>
 * <p>
 * Usage:
 * {@code PairedHarness <output.json> <min rounds> <max rounds> <seconds per module> [module...]}
 */
public final class PairedHarness {

	/** Minimum duration of one sample; faster variants are repeated within a sample. */
	private static final double SAMPLE_MILLIS = 10;

	private static final int MAX_REPEAT = 100;

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	/** The ratios: name, numerator variant, denominator variant. */
	private static final String[][] RATIOS = { { "diskHitVsMapHit", "diskHit", "mapHit" },
			{ "missVsBare", "miss", "bareCompile" }, { "diskHitVsReuse", "diskHit", "reuse" },
			{ "diskHitVsPlainFileHit", "diskHit", "plainFileHit" },
			{ "plainFileHitVsMapHit", "plainFileHit", "mapHit" }, { "bareVsDiskHit", "bareCompile", "diskHit" },
			{ "loadHitVsUpstreamWarm", "loadHit", "upstreamWarm" }, { "loadHitVsDiskHit", "loadHit", "diskHit" },
			{ "remoteHitVsDiskHit", "remoteHit", "diskHit" }, { "bareVsRemoteHit", "bareCompile", "remoteHit" } };

	private PairedHarness() {
	}

	public static void main(String[] args) throws Exception {
		Path output = Path.of(args[0]);
		int minRounds = Integer.parseInt(args[1]);
		int maxRounds = Integer.parseInt(args[2]);
		long budget = (long) (Double.parseDouble(args[3]) * 1e9);
		String[] modules = (args.length > 4) ? Arrays.copyOfRange(args, 4, args.length) : BenchSupport.REAL_MODULES;
		boolean remote = Files.isExecutable(RedisServerProcess.binary());
		if (!remote) {
			System.out.println("No " + RedisServerProcess.binary() + ": the remote hit is not measured");
		}
		StringBuilder json = new StringBuilder("{\"remote\": " + remote + ", \"results\": [\n");
		try (Remote redis = remote ? Remote.start() : null) {
			for (int m = 0; m < modules.length; m++) {
				json.append(run(modules[m], minRounds, maxRounds, budget, redis))
					.append((m < modules.length - 1) ? ",\n" : "\n");
			}
		}
		json.append("]}\n");
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, json);
	}

	private static String run(String name, int minRounds, int maxRounds, long budget, Remote remote) throws Exception {
		Fixture fixture = new Fixture(name, remote);
		try {
			List<Variant> variants = fixture.variants();
			// One warm-up round: class loading and the first JIT passes.
			for (Variant variant : variants) {
				variant.calibrate(variant.measure()[0]);
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
					"  {\"module\": \"%s\", \"rounds\": %d, \"moduleBytes\": %d, \"jarBytes\": %d, \"variants\": {",
					name, rounds, fixture.moduleBytes, fixture.jar.length));
			int v = 0;
			for (Map.Entry<String, List<double[]>> entry : samples.entrySet()) {
				double[] wall = entry.getValue().stream().mapToDouble((s) -> s[0]).toArray();
				double[] cpu = entry.getValue().stream().mapToDouble((s) -> s[1]).toArray();
				out.append(String.format(Locale.ROOT,
						"%s\"%s\": {\"wallMs\": %.4f, \"wallMinMs\": %.4f, \"wallMaxMs\": %.4f, \"cpuMs\": %.4f}",
						(v++ > 0) ? ", " : "", entry.getKey(), median(wall), min(wall), max(wall), median(cpu)));
			}
			out.append("}, \"ratios\": {");
			System.out.printf(Locale.ROOT, "%s (%d rounds):", name, rounds);
			for (int r = 0; r < RATIOS.length; r++) {
				List<double[]> numerator = samples.get(RATIOS[r][1]);
				List<double[]> denominator = samples.get(RATIOS[r][2]);
				if (numerator == null || denominator == null) {
					continue;
				}
				double[] wall = new double[rounds];
				double[] cpu = new double[rounds];
				for (int i = 0; i < rounds; i++) {
					wall[i] = numerator.get(i)[0] / denominator.get(i)[0];
					cpu[i] = numerator.get(i)[1] / denominator.get(i)[1];
				}
				out.append(String.format(Locale.ROOT,
						"%s\"%s\": {\"wall\": %.4f, \"wallMin\": %.4f, \"wallMax\": %.4f, \"cpu\": %.4f}",
						(r > 0) ? ", " : "", RATIOS[r][0], median(wall), min(wall), max(wall), median(cpu)));
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
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static double min(double[] values) {
		return Arrays.stream(values).min().orElse(Double.NaN);
	}

	private static double max(double[] values) {
		return Arrays.stream(values).max().orElse(Double.NaN);
	}

	/**
	 * One call to time, on state prepared for it alone.
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
		 * {@link #SAMPLE_MILLIS}.
		 * @param lastMillis the duration of the last call
		 */
		void calibrate(double lastMillis) {
			this.repeat = (int) Math.max(1,
					Math.min(MAX_REPEAT, Math.ceil(SAMPLE_MILLIS / Math.max(lastMillis, 1e-3))));
		}

		/**
		 * Times {@code repeat} calls, each on its own fresh state, one by one: a call's
		 * work after it returns (a miss stores in the background) is done before the next
		 * call starts, so that it does not run within another call's time, as it does not
		 * in a process that makes one call.
		 * @return wall and CPU milliseconds per call
		 */
		double[] measure() throws Exception {
			List<Prepared.Run> runs = new ArrayList<>(this.repeat);
			for (int i = 0; i < this.repeat; i++) {
				runs.add(this.prepare.prepare());
			}
			long wall = 0;
			long cpu = 0;
			for (Prepared.Run run : runs) {
				long cpuStart = threads.getCurrentThreadCpuTime();
				long start = System.nanoTime();
				Object result = run.step().call();
				wall += System.nanoTime() - start;
				cpu += threads.getCurrentThreadCpuTime() - cpuStart;
				if (result == null) {
					throw new IllegalStateException(this.name + " returned nothing");
				}
				run.after().run();
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

		private static final Runnable NOTHING = () -> {
		};

		final WasmModule module;

		final int moduleBytes;

		/** The JAR Chicory itself hands to a cache for this module. */
		final byte[] jar;

		final Path directory;

		final Path plainDirectory;

		/**
		 * A directory holding the entry that {@code load} stores (with its meta module).
		 */
		final Path loadDirectory;

		final byte[] bytes;

		final ChicoryCompiler reuseCompiler;

		private final DirectoryCache reuseCache;

		private final Remote remote;

		Fixture(String name, Remote remote) throws Exception {
			this.remote = remote;
			byte[] bytes = BenchSupport.moduleBytes(name, 0);
			this.bytes = bytes;
			this.moduleBytes = bytes.length;
			this.module = Parser.parse(bytes);
			this.jar = BenchSupport.compiledJar(this.module);
			this.plainDirectory = BenchSupport.freshDirectory("paired-plain");
			new PlainFileCache(this.plainDirectory).putIfAbsent(this.module.digest(), this.jar);
			this.directory = BenchSupport.freshDirectory("paired-disk");
			// Closing a compiler writes what its background writer has not stored yet.
			try (DirectoryCache cache = BenchSupport.directoryCache(this.directory);
					ChicoryCompiler compiler = BenchSupport.compiler(cache, false)) {
				require(compiler.compile(this.module).event().source(), CompilationSource.COMPILER);
			}
			this.loadDirectory = BenchSupport.freshDirectory("paired-load");
			try (DirectoryCache cache = BenchSupport.directoryCache(this.loadDirectory);
					ChicoryCompiler compiler = BenchSupport.compiler(cache, false)) {
				require(compiler.load(bytes).event().source(), CompilationSource.COMPILER);
			}
			if (remote != null) {
				remote.publish(this.module);
			}
			this.reuseCache = BenchSupport.directoryCache(this.loadDirectory);
			this.reuseCompiler = BenchSupport.compiler(this.reuseCache, true);
			require(this.reuseCompiler.compile(this.module).event().source(), CompilationSource.DISK);
			// The first load finds the compiled code in memory or on disk; the next in
			// memory.
			this.reuseCompiler.load(bytes);
			require(this.reuseCompiler.load(bytes).event().source(), CompilationSource.MEMORY);
		}

		List<Variant> variants() {
			WasmModule wasm = this.module;
			List<Variant> variants = new ArrayList<>();
			variants.add(new Variant("bareCompile",
					() -> new Prepared.Run(() -> MachineFactoryCompiler.builder(wasm).compile(), NOTHING)));
			variants.add(new Variant("miss", () -> {
				Path fresh = BenchSupport.freshDirectory("paired-miss");
				DirectoryCache cache = BenchSupport.directoryCache(fresh);
				ChicoryCompiler compiler = BenchSupport.compiler(cache, false);
				return new Prepared.Run(
						() -> checked(compiler.compile(wasm).event().source(), CompilationSource.COMPILER), () -> {
							close(compiler, cache);
							require(cache.stats().puts(), 1);
							BenchSupport.deleteTree(fresh);
						});
			}));
			variants.add(new Variant("mapHit", () -> {
				BenchSupport.MapCache map = new BenchSupport.MapCache();
				map.putIfAbsent(wasm.digest(), this.jar.clone());
				return new Prepared.Run(() -> MachineFactoryCompiler.builder(wasm).withCache(map).compile(), NOTHING);
			}));
			variants.add(new Variant("plainFileHit", () -> {
				PlainFileCache cache = new PlainFileCache(this.plainDirectory);
				return new Prepared.Run(() -> MachineFactoryCompiler.builder(wasm).withCache(cache).compile(),
						() -> require(cache.hits(), 1));
			}));
			variants.add(new Variant("diskHit", () -> {
				DirectoryCache cache = BenchSupport.directoryCache(this.directory);
				ChicoryCompiler compiler = BenchSupport.compiler(cache, false);
				return new Prepared.Run(() -> checked(compiler.compile(wasm).event().source(), CompilationSource.DISK),
						() -> close(compiler, cache));
			}));
			variants.add(new Variant("upstreamWarm", () -> {
				PlainFileCache cache = new PlainFileCache(this.plainDirectory);
				return new Prepared.Run(
						() -> MachineFactoryCompiler.builder(Parser.parse(this.bytes)).withCache(cache).compile(),
						() -> require(cache.hits(), 1));
			}));
			variants.add(new Variant("loadHit", () -> {
				DirectoryCache cache = BenchSupport.directoryCache(this.loadDirectory);
				ChicoryCompiler compiler = BenchSupport.compiler(cache, false);
				return new Prepared.Run(
						() -> checked(compiler.load(this.bytes).event().source(), CompilationSource.DISK),
						() -> close(compiler, cache));
			}));
			variants.add(new Variant("reuse",
					() -> new Prepared.Run(
							() -> checked(this.reuseCompiler.compile(wasm).event().source(), CompilationSource.MEMORY),
							NOTHING)));
			if (this.remote != null) {
				variants.add(new Variant("remoteHit", () -> {
					Path fresh = BenchSupport.freshDirectory("paired-remote");
					DirectoryCache cache = BenchSupport.directoryCache(fresh);
					ChicoryCompiler compiler = BenchSupport.compiler(this.remote.tier().over(cache), false);
					return new Prepared.Run(
							() -> checked(compiler.compile(wasm).event().source(), CompilationSource.REMOTE), () -> {
								close(compiler, cache);
								BenchSupport.deleteTree(fresh);
							});
				}));
			}
			variants.add(new Variant("loadReuse", () -> new Prepared.Run(
					() -> checked(this.reuseCompiler.load(this.bytes).event().source(), CompilationSource.MEMORY),
					NOTHING)));
			return variants;
		}

		void close() {
			close(this.reuseCompiler, this.reuseCache);
			BenchSupport.deleteTree(this.directory);
			BenchSupport.deleteTree(this.loadDirectory);
			BenchSupport.deleteTree(this.plainDirectory);
		}

		private static void close(ChicoryCompiler compiler, DirectoryCache cache) {
			compiler.close();
			cache.close();
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

	/**
	 * A {@code redis-server} on a free loopback port and one connected, publishing tier
	 * on it.
	 */
	private static final class Remote implements AutoCloseable {

		private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(60);

		private final Path directory;

		private final RedisServerProcess server;

		private final RedisCacheTier tier;

		private Remote(Path directory, RedisServerProcess server, RedisCacheTier tier) {
			this.directory = directory;
			this.server = server;
			this.tier = tier;
		}

		static Remote start() {
			Path directory = BenchSupport.freshDirectory("redis");
			RedisServerProcess server = RedisServerProcess.start(directory);
			byte[] secret = new byte[32];
			new SecureRandom().nextBytes(secret);
			RedisCacheTier tier = RedisCacheTier.builder(server.host(), server.port()).withSecret(secret).build();
			return new Remote(directory, server, tier);
		}

		RedisCacheTier tier() {
			return this.tier;
		}

		/**
		 * Compiles a module over an empty local directory behind the tier, so that its
		 * entry is published to Redis, and waits until it is there.
		 */
		void publish(WasmModule module) {
			Path local = BenchSupport.freshDirectory("redis-publish");
			try (DirectoryCache cache = BenchSupport.directoryCache(local);
					ChicoryCompiler compiler = BenchSupport.compiler(this.tier.over(cache), false)) {
				Fixture.require(compiler.compile(module).event().source(), CompilationSource.COMPILER);
			}
			Await.await("the entry to be published", PUBLISH_TIMEOUT.toMillis(), this.tier::isPublishQueueEmpty);
			BenchSupport.deleteTree(local);
		}

		@Override
		public void close() {
			this.tier.close();
			this.server.close();
			BenchSupport.deleteTree(this.directory);
		}

	}

}
