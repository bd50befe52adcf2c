package io.github.chicorycache.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.zip.Deflater;

import com.dylibso.chicory.wasm.WasmModule;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The steps that a cache adds to a compile or a load, each on its own, to explain the
 * ratios measured by {@link PairedHarness}.
 * <ul>
 * <li>{@code directoryCachePut}: storing the JAR into an empty {@code DirectoryCache}
 * (temp file, write, CRC-32C, fsync, atomic move);</li>
 * <li>{@code directoryCacheGet}: reading it back (read, CRC-32C, copy, touch);</li>
 * <li>{@code jarInflate}: reading every entry of the JAR with a {@code JarInputStream},
 * the decompression that Chicory's loader pays on every hit;</li>
 * <li>{@code jarWriteDefault}: writing the same classes into a new JAR with a
 * {@code JarOutputStream} at its default compression, as Chicory's
 * {@code MachineFactoryCompiler} does before it calls {@code Cache.putIfAbsent} (its
 * price for any cache); {@code jarWriteFastest} the same at
 * {@code Deflater.BEST_SPEED};</li>
 * </ul>
 * The per-call overhead of {@code ChicoryCompiler} itself is what {@link PairedHarness}'s
 * {@code reuse} variant measures.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@State(Scope.Benchmark)
public class BreakdownBenchmark {

	/** The module: generated ({@code fn<N>}) or real. */
	@Param({ "fn10", "fn1000", "fn5000", "wat2wasm" })
	public String module;

	WasmModule wasm;

	byte[] jar;

	Map<String, byte[]> entries;

	Path directory;

	DirectoryCache cache;

	@Setup(Level.Trial)
	public void prepare() throws IOException {
		this.wasm = BenchSupport.parse(this.module);
		this.jar = BenchSupport.compiledJar(this.wasm);
		this.entries = new LinkedHashMap<>();
		try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(this.jar))) {
			JarEntry entry;
			while ((entry = in.getNextJarEntry()) != null) {
				this.entries.put(entry.getName(), in.readAllBytes());
			}
		}
		this.directory = BenchSupport.freshDirectory("breakdown");
		this.cache = BenchSupport.directoryCache(this.directory);
		this.cache.putIfAbsent(this.wasm.digest(), this.jar);
	}

	@TearDown(Level.Trial)
	public void close() {
		this.cache.close();
		BenchSupport.deleteTree(this.directory);
	}

	@Benchmark
	public void directoryCachePut(FreshDirectory fresh) {
		fresh.cache.putIfAbsent(this.wasm.digest(), this.jar);
	}

	@Benchmark
	public byte[] directoryCacheGet() {
		return this.cache.get(this.wasm.digest());
	}

	@Benchmark
	public void jarInflate(Blackhole blackhole) throws IOException {
		try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(this.jar))) {
			JarEntry entry;
			while ((entry = in.getNextJarEntry()) != null) {
				blackhole.consume(entry);
				blackhole.consume(in.readAllBytes());
			}
		}
	}

	@Benchmark
	public byte[] jarWriteDefault() throws IOException {
		return writeJar(Deflater.DEFAULT_COMPRESSION);
	}

	@Benchmark
	public byte[] jarWriteFastest() throws IOException {
		return writeJar(Deflater.BEST_SPEED);
	}

	private byte[] writeJar(int level) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (JarOutputStream out = new JarOutputStream(bytes)) {
			out.setLevel(level);
			for (Map.Entry<String, byte[]> entry : this.entries.entrySet()) {
				out.putNextEntry(new JarEntry(entry.getKey()));
				out.write(entry.getValue());
				out.closeEntry();
			}
		}
		return bytes.toByteArray();
	}

	/**
	 * A new, empty directory cache for every invocation.
	 */
	@State(Scope.Thread)
	public static class FreshDirectory {

		Path directory;

		DirectoryCache cache;

		@Setup(Level.Invocation)
		public void open() {
			this.directory = BenchSupport.freshDirectory("put");
			this.cache = BenchSupport.directoryCache(this.directory);
		}

		@TearDown(Level.Invocation)
		public void close() {
			long puts = this.cache.stats().puts();
			this.cache.close();
			BenchSupport.deleteTree(this.directory);
			if (puts != 1) {
				throw new IllegalStateException("Expected 1 put, got " + puts);
			}
		}

	}

}
