package io.github.chicorycache.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Warm start in fresh JVMs, paired and interleaved: for every round and module, each way
 * from WASM bytes to a ready machine factory runs once, in a new JVM
 * ({@link WarmStartChild}), in an order shuffled per round, over a cache that an earlier
 * JVM filled. Load that comes and goes on the machine then hits every way alike, and each
 * ratio is taken within one round of one module. Recorded per run: the child's time from
 * bytes in memory to ready, the part spent parsing, where the code came from (a run that
 * did not hit is kept and reported as such), and the child's whole wall time (JVM start
 * to exit).
 * <p>
 * Usage: {@code WarmStartHarness <output.json> <rounds> [module...]}
 */
public final class WarmStartHarness {

	/**
	 * The ways measured: (a) upstream's ({@code Parser.parse} + a plain-file cache), (b)
	 * {@code Parser.parse} + {@code ChicoryCompiler.machineFactory} over a
	 * {@code DirectoryCache}, (c) {@code ChicoryCompiler.load(bytes)} over a
	 * {@code DirectoryCache}.
	 */
	static final List<String> WAYS = List.of("upstream", "machineFactory", "load");

	private static final long CHILD_TIMEOUT_SECONDS = 600;

	private WarmStartHarness() {
	}

	public static void main(String[] args) throws Exception {
		Path output = Path.of(args[0]);
		int rounds = Integer.parseInt(args[1]);
		String[] modules = (args.length > 2) ? Arrays.copyOfRange(args, 2, args.length) : BenchSupport.REAL_MODULES;
		Path base = BenchSupport.baseDirectory().resolve("warm-start");
		BenchSupport.deleteTree(base);
		List<String> runs = new ArrayList<>();
		List<String> moduleFacts = new ArrayList<>();
		for (String module : modules) {
			byte[] bytes = BenchSupport.moduleBytes(module, 0);
			moduleFacts.add(String.format(Locale.ROOT, "{\"module\": \"%s\", \"bytes\": %d, \"sha256\": \"%s\"}",
					module, bytes.length, sha256(bytes)));
			for (String way : WAYS) {
				// The first JVM compiles and fills this way's cache: a miss, kept as
				// such.
				runs.add(run(0, module, way, base));
			}
		}
		for (int round = 1; round <= rounds; round++) {
			Random random = new Random(round);
			for (String module : modules) {
				List<String> order = new ArrayList<>(WAYS);
				Collections.shuffle(order, random);
				for (String way : order) {
					runs.add(run(round, module, way, base));
				}
			}
		}
		String json = "{\"rounds\": " + rounds + ", \"ways\": ["
				+ String.join(", ", WAYS.stream().map((way) -> "\"" + way + "\"").toList()) + "],\n\"modules\": ["
				+ String.join(",\n  ", moduleFacts) + "],\n\"runs\": [\n  " + String.join(",\n  ", runs) + "\n]}\n";
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, json);
	}

	private static String run(int round, String module, String way, Path base)
			throws IOException, InterruptedException {
		Path directory = Files.createDirectories(base.resolve(module).resolve(way));
		Path log = base.resolve("child.log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = List.of(java,
				"-D" + BenchSupport.MODULES_PROPERTY + "="
						+ System.getProperty(BenchSupport.MODULES_PROPERTY, "benchmarks/target/modules"),
				"-cp", System.getProperty("java.class.path"), WarmStartChild.class.getName(), way, module,
				directory.toString());
		long start = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(way + " on " + module + " did not finish, see " + log);
		}
		long wall = System.nanoTime() - start;
		String result = stdout.lines()
			.filter((line) -> line.startsWith("RESULT "))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(
					way + " on " + module + " exited with " + process.exitValue() + ", see " + log))
			.substring("RESULT ".length());
		String line = String.format(Locale.ROOT,
				"{\"round\": %d, \"module\": \"%s\", \"way\": \"%s\", \"wallMs\": %.1f, \"child\": %s}", round, module,
				way, wall / 1e6, result);
		System.out.println(line);
		return line;
	}

	private static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

}
