package io.github.chicorycache.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.DirectoryCache;

/**
 * The first compile in a process, the honest cold number: every measurement is a fresh
 * JVM that parses the module (not timed: the cache does not save parsing) and then
 * obtains its machine factory once, timed:
 * <ul>
 * <li>{@code bare}: {@code MachineFactoryCompiler.builder(module).compile()};</li>
 * <li>{@code miss}: {@code ChicoryCompiler} over a fresh, empty {@code DirectoryCache}
 * (compile and store);</li>
 * <li>{@code disk}: {@code ChicoryCompiler} over the directory that the {@code miss} run
 * of the same repetition filled, in a new process (a disk hit).</li>
 * </ul>
 * Usage: {@code ColdProcessHarness <output.json> <repetitions> [module...]}
 */
public final class ColdProcessHarness {

	private static final String[] MODES = { "bare", "miss", "disk" };

	private ColdProcessHarness() {
	}

	public static void main(String[] args) throws Exception {
		if (args[0].equals("child")) {
			child(args[1], args[2], Path.of(args[3]));
			return;
		}
		Path output = Path.of(args[0]);
		int repetitions = Integer.parseInt(args[1]);
		String[] modules = (args.length > 2) ? Arrays.copyOfRange(args, 2, args.length) : BenchSupport.MODULES;
		StringBuilder json = new StringBuilder(
				"{\"repetitions\": " + repetitions + ", \"modes\": [\"bare\", \"miss\", \"disk\"], \"results\": [\n");
		for (int m = 0; m < modules.length; m++) {
			String name = modules[m];
			List<List<Double>> compile = new ArrayList<>();
			List<Double> parse = new ArrayList<>();
			for (int i = 0; i < MODES.length; i++) {
				compile.add(new ArrayList<>());
			}
			for (int rep = 0; rep < repetitions; rep++) {
				Path directory = BenchSupport.freshDirectory("cold");
				try {
					for (int i = 0; i < MODES.length; i++) {
						double[] result = runChild(MODES[i], name, directory);
						compile.get(i).add(result[1]);
						if (i == 0) {
							parse.add(result[0]);
						}
					}
				}
				finally {
					BenchSupport.deleteTree(directory);
				}
				System.out.printf(Locale.ROOT,
						"%s rep %d: bare %.1f ms, miss %.1f ms, disk hit %.1f ms (parse %.1f ms)%n", name, rep + 1,
						compile.get(0).get(rep), compile.get(1).get(rep), compile.get(2).get(rep), parse.get(rep));
			}
			json.append(String.format(Locale.ROOT,
					"  {\"module\": \"%s\", \"parseMs\": %s, \"bareMs\": %s, \"missMs\": %s, \"diskMs\": %s}%s%n", name,
					parse, compile.get(0), compile.get(1), compile.get(2), (m < modules.length - 1) ? "," : ""));
		}
		json.append("]}\n");
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, json);
	}

	private static double[] runChild(String mode, String module, Path directory) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-Xms1g", "-Xmx2g", "-cp", System.getProperty("java.class.path"),
				ColdProcessHarness.class.getName(), "child", mode, module, directory.toString())
			.redirectErrorStream(true)
			.start();
		List<String> lines = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				lines.add(line);
			}
		}
		if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
			throw new IllegalStateException("Child " + mode + " " + module + " failed: " + lines);
		}
		for (String line : lines) {
			if (line.startsWith("RESULT ")) {
				String[] parts = line.split(" ");
				return new double[] { Double.parseDouble(parts[1]), Double.parseDouble(parts[2]) };
			}
		}
		throw new IllegalStateException("Child " + mode + " " + module + " printed no result: " + lines);
	}

	private static void child(String mode, String name, Path directory) throws IOException {
		byte[] bytes = BenchSupport.moduleBytes(name, 0);
		long start = System.nanoTime();
		WasmModule module = Parser.parse(bytes);
		long parsed = System.nanoTime();
		String source;
		if (mode.equals("bare")) {
			MachineFactoryCompiler.builder(module).compile();
			source = "COMPILER";
		}
		else {
			try (DirectoryCache cache = BenchSupport.directoryCache(directory)) {
				ChicoryCompiler compiler = BenchSupport.compiler(cache, false);
				Compilation compilation = compiler.compile(module);
				source = compilation.event().source().name();
			}
		}
		long done = System.nanoTime();
		String expected = mode.equals("disk") ? "DISK" : "COMPILER";
		if (!source.equals(expected)) {
			throw new IllegalStateException("Expected " + expected + " but was " + source);
		}
		System.out.printf(Locale.ROOT, "RESULT %.3f %.3f %s%n", (parsed - start) / 1e6, (done - parsed) / 1e6, source);
	}

}
