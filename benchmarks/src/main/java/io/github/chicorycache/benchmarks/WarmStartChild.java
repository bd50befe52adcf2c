package io.github.chicorycache.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.LoadedModule;

/**
 * One fresh JVM of {@link WarmStartHarness}: reads a module's bytes into memory (not
 * timed), then times one way from those bytes to a ready machine factory, and prints one
 * {@code RESULT} line of JSON: the time to ready, the part of it spent in
 * {@code Parser.parse}, where the compiled code came from, and the JVM's uptime when it
 * was ready.
 * <p>
 * Usage: {@code WarmStartChild <way> <module> <cache directory>}, where {@code way} is
 * one of {@link WarmStartHarness#WAYS}.
 */
public final class WarmStartChild {

	private WarmStartChild() {
	}

	public static void main(String[] args) throws Exception {
		String way = args[0];
		byte[] bytes = BenchSupport.moduleBytes(args[1], 0);
		Path directory = Path.of(args[2]);
		long start = System.nanoTime();
		Ready ready = switch (way) {
			case "upstream" -> upstream(bytes, directory);
			case "machineFactory" -> machineFactory(bytes, directory);
			case "load" -> load(bytes, directory);
			default -> throw new IllegalArgumentException("Unknown way " + way);
		};
		long readyNanos = System.nanoTime() - start;
		long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
		ready.close();
		System.out.printf(Locale.ROOT,
				"RESULT {\"readyMs\": %.3f, \"parseMs\": %.3f, \"source\": \"%s\", \"uptimeMs\": %d}%n",
				readyNanos / 1e6, ready.parseNanos() / 1e6, ready.source(), uptime);
	}

	/**
	 * (a) Upstream's way: {@code Parser.parse} and {@code MachineFactoryCompiler} with a
	 * plain-file cache.
	 */
	private static Ready upstream(byte[] bytes, Path directory) {
		long start = System.nanoTime();
		WasmModule module = Parser.parse(bytes);
		long parse = System.nanoTime() - start;
		PlainFileCache cache = new PlainFileCache(directory);
		MachineFactoryCompiler.builder(module).withCache(cache).compile();
		return new Ready((cache.hits() > 0) ? "DISK" : "COMPILER", parse, () -> {
		});
	}

	/**
	 * (b) {@code Parser.parse} and {@code ChicoryCompiler.machineFactory} over a
	 * {@code DirectoryCache} opened with its defaults.
	 */
	private static Ready machineFactory(byte[] bytes, Path directory) {
		long start = System.nanoTime();
		WasmModule module = Parser.parse(bytes);
		long parse = System.nanoTime() - start;
		DirectoryCache cache = DirectoryCache.builder(directory).build();
		ChicoryCompiler compiler = ChicoryCompiler.builder().withCache(cache).build();
		Compilation compilation = compiler.compile(module);
		return new Ready(compilation.event().source().name(), parse, () -> close(compiler, cache));
	}

	/**
	 * (c) {@code ChicoryCompiler.load(bytes)} over a {@code DirectoryCache} opened with
	 * its defaults.
	 */
	private static Ready load(byte[] bytes, Path directory) {
		DirectoryCache cache = DirectoryCache.builder(directory).build();
		ChicoryCompiler compiler = ChicoryCompiler.builder().withCache(cache).build();
		LoadedModule loaded = compiler.load(bytes);
		return new Ready(loaded.event().source().name(), 0, () -> close(compiler, cache));
	}

	/**
	 * Closes the compiler first: it stores a miss off the caller's thread, and its close
	 * writes what waits, as an application's shutdown does.
	 */
	private static void close(ChicoryCompiler compiler, DirectoryCache cache) {
		compiler.close();
		cache.close();
	}

	private record Ready(String source, long parseNanos, AutoCloseable resources) {

		void close() throws Exception {
			this.resources.close();
		}

	}

}
