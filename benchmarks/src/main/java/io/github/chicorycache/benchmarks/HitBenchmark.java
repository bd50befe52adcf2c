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
 * Cases 2 and 3: what a hit costs. Every variant but the memory hit reads the compiled
 * JAR and defines its classes in a new class loader.
 * <ul>
 * <li>{@code mapCacheHit}: {@code MachineFactoryCompiler} with a map holding the JAR, the
 * floor (load and define classes only);</li>
 * <li>{@code directoryCacheHit}: the same with {@code DirectoryCache} (read, CRC-32C,
 * touch);</li>
 * <li>{@code chicoryCompilerMapHit}: {@code ChicoryCompiler} over a map (memory off):
 * adds our per-call overhead (options fingerprint, JAR verification);</li>
 * <li>{@code chicoryCompilerDiskHit}: {@code ChicoryCompiler} over a
 * {@code DirectoryCache} (memory off): the disk hit of case 3;</li>
 * <li>{@code chicoryCompilerMemoryHit}: {@code ChicoryCompiler} with memory on, the
 * module compiled before: the in-JVM reuse of case 3.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@State(Scope.Benchmark)
public class HitBenchmark {

	/** The module: generated ({@code fn<N>}) or real. */
	@Param({ "fn10", "fn1000", "fn5000", "wat2wasm" })
	public String module;

	WasmModule wasm;

	BenchSupport.MapCache mapCache;

	Path directory;

	DirectoryCache directoryCache;

	ChicoryCompiler mapCompiler;

	ChicoryCompiler diskCompiler;

	ChicoryCompiler memoryCompiler;

	@Setup(Level.Trial)
	public void prepare() {
		this.wasm = BenchSupport.parse(this.module);
		String digest = this.wasm.digest();
		this.directory = BenchSupport.freshDirectory("hit");
		this.directoryCache = BenchSupport.directoryCache(this.directory);
		this.diskCompiler = BenchSupport.compiler(this.directoryCache, false);
		// One compilation stores the bound JAR; every variant then loads these same
		// bytes.
		expect(this.diskCompiler.compile(this.wasm), CompilationSource.COMPILER);
		String namespace = this.diskCompiler.namespace();
		byte[] jar = this.directoryCache.namespace(namespace).get(digest);
		this.mapCache = new BenchSupport.MapCache();
		this.mapCache.putIfAbsent(digest, jar);
		this.directoryCache.putIfAbsent(digest, jar);
		// The compiler over a map stores its own entry (under the key it derives) on a
		// first miss; every later call is a hit.
		this.mapCompiler = BenchSupport.compiler(new BenchSupport.MapCache(), false);
		expect(this.mapCompiler.compile(this.wasm), CompilationSource.COMPILER);
		this.memoryCompiler = BenchSupport.compiler(this.directoryCache, true);
		expect(this.mapCompiler.compile(this.wasm), CompilationSource.DISK);
		expect(this.diskCompiler.compile(this.wasm), CompilationSource.DISK);
		expect(this.memoryCompiler.compile(this.wasm), CompilationSource.DISK);
		expect(this.memoryCompiler.compile(this.wasm), CompilationSource.MEMORY);
		if (this.directoryCache.get(digest) == null) {
			throw new IllegalStateException("No DirectoryCache hit");
		}
	}

	@TearDown(Level.Trial)
	public void close() {
		this.directoryCache.close();
		BenchSupport.deleteTree(this.directory);
	}

	@Benchmark
	public Function<Instance, Machine> mapCacheHit() {
		return MachineFactoryCompiler.builder(this.wasm).withCache(this.mapCache).compile();
	}

	@Benchmark
	public Function<Instance, Machine> directoryCacheHit() {
		return MachineFactoryCompiler.builder(this.wasm).withCache(this.directoryCache).compile();
	}

	@Benchmark
	public Compilation chicoryCompilerMapHit() {
		return this.mapCompiler.compile(this.wasm);
	}

	@Benchmark
	public Compilation chicoryCompilerDiskHit() {
		return this.diskCompiler.compile(this.wasm);
	}

	@Benchmark
	public Compilation chicoryCompilerMemoryHit() {
		return this.memoryCompiler.compile(this.wasm);
	}

	private static void expect(Compilation compilation, CompilationSource source) {
		if (compilation.event().source() != source) {
			throw new IllegalStateException("Expected " + source + " but was " + compilation.event().source());
		}
	}

}
