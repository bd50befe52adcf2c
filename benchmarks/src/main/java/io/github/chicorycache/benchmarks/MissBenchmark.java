package io.github.chicorycache.benchmarks;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Case 1: what a miss costs on top of a bare compile. Every invocation compiles (and
 * defines the classes of) the module from scratch; the cached variants store into a
 * fresh, empty cache each time, with in-JVM reuse disabled.
 * <ul>
 * <li>{@code bareCompile}: {@code MachineFactoryCompiler.builder(module).compile()}, no
 * cache, the reference;</li>
 * <li>{@code bareCompileMapCache}: the same with an in-memory map as Chicory's cache,
 * i.e. plus Chicory's serialization of the classes into a JAR (the floor of any
 * cache);</li>
 * <li>{@code chicoryCompilerMissMapCache}: {@code ChicoryCompiler} over a map, i.e. plus
 * our own overhead without any I/O;</li>
 * <li>{@code chicoryCompilerMiss}: {@code ChicoryCompiler} over an empty
 * {@code DirectoryCache}, i.e. plus the durable write (temp file, fsync, atomic
 * move).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@State(Scope.Benchmark)
public class MissBenchmark {

	/** The module: generated ({@code fn<N>}) or real. */
	@Param({ "fn10", "fn1000", "fn5000", "wat2wasm" })
	public String module;

	WasmModule wasm;

	@Setup(Level.Trial)
	public void parse() {
		this.wasm = BenchSupport.parse(this.module);
	}

	@Benchmark
	public Function<Instance, Machine> bareCompile() {
		return MachineFactoryCompiler.builder(this.wasm).compile();
	}

	@Benchmark
	public Function<Instance, Machine> bareCompileMapCache() {
		return MachineFactoryCompiler.builder(this.wasm).withCache(new BenchSupport.MapCache()).compile();
	}

	@Benchmark
	public Compilation chicoryCompilerMissMapCache(FreshMapCache fresh) {
		return fresh.compiler.compile(this.wasm);
	}

	@Benchmark
	public Compilation chicoryCompilerMiss(FreshDirectoryCache fresh) {
		return fresh.compiler.compile(this.wasm);
	}

	/**
	 * A compiler over a new, empty directory cache for every invocation.
	 */
	@State(Scope.Thread)
	public static class FreshDirectoryCache {

		Path directory;

		DirectoryCache cache;

		ChicoryCompiler compiler;

		@Setup(Level.Invocation)
		public void open() {
			this.directory = BenchSupport.freshDirectory("miss");
			this.cache = BenchSupport.directoryCache(this.directory);
			this.compiler = BenchSupport.compiler(this.cache, false);
		}

		@TearDown(Level.Invocation)
		public void close() {
			long compiled = this.compiler.stats().compilations(CompilationSource.COMPILER);
			long puts = this.cache.stats().puts();
			this.cache.close();
			BenchSupport.deleteTree(this.directory);
			if (compiled != 1 || puts != 1) {
				throw new IllegalStateException("Expected 1 compilation and 1 put, got " + compiled + " and " + puts);
			}
		}

	}

	/**
	 * A compiler over a new, empty map cache for every invocation.
	 */
	@State(Scope.Thread)
	public static class FreshMapCache {

		BenchSupport.MapCache cache;

		ChicoryCompiler compiler;

		@Setup(Level.Invocation)
		public void open() {
			this.cache = new BenchSupport.MapCache();
			this.compiler = BenchSupport.compiler(this.cache, false);
		}

		@TearDown(Level.Invocation)
		public void check() {
			long compiled = this.compiler.stats().compilations(CompilationSource.COMPILER);
			if (compiled != 1 || this.cache.size() != 1) {
				throw new IllegalStateException(
						"Expected 1 compilation and 1 entry, got " + compiled + " and " + this.cache.size());
			}
		}

	}

}
