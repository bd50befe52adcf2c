package io.github.chicorycache.redis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.testsupport.Await;
import io.github.chicorycache.testsupport.RedisServerProcess;
import io.github.chicorycache.testsupport.WasmModuleWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One instance of a fleet in a test: its own local directory, a Redis tier, and a
 * compiler over both.
 */
final class FleetNode implements AutoCloseable {

	static final byte[] SECRET = "a fleet secret of at least 32 bytes!".getBytes(StandardCharsets.UTF_8);

	final DirectoryCache local;

	final RedisCacheTier tier;

	final TieredCache cache;

	final ChicoryCompiler compiler;

	private final int functions;

	FleetNode(Path directory, RedisCacheTier tier) {
		this(directory, tier, 3);
	}

	/**
	 * Creates a node whose modules have a number of functions (more functions, longer
	 * compilations).
	 */
	FleetNode(Path directory, RedisCacheTier tier, int functions) {
		this.functions = functions;
		this.local = DirectoryCache.builder(directory).build();
		this.tier = tier;
		this.cache = tier.over(this.local);
		// Stores on the caller's thread: the entry is in the local cache, and queued for
		// Redis, when a compilation returns.
		this.compiler = ChicoryCompiler.builder().withCache(this.cache).withStoreQueueCapacity(0).build();
	}

	/**
	 * A tier on a test server with the fleet secret and timeouts for a loaded machine.
	 */
	static RedisCacheTier.Builder tier(RedisServerProcess server) {
		return RedisCacheTier.builder(server.host(), server.port())
			.withSecret(SECRET)
			.withConnectTimeout(Duration.ofSeconds(5))
			.withCommandTimeout(Duration.ofSeconds(5))
			.withLeaseWait(Duration.ofSeconds(60));
	}

	static WasmModule module(int seed) {
		return module(seed, 3);
	}

	static WasmModule module(int seed, int functions) {
		return Parser.parse(WasmModuleWriter.functions(functions, seed));
	}

	/**
	 * Compiles a module of {@link #module} and checks that its code computes the right
	 * result.
	 */
	CompilationSource compileAndRun(int seed) {
		WasmModule module = module(seed, this.functions);
		Compilation compilation = this.compiler.compile(module);
		Instance instance = Instance.builder(module).withMachineFactory(compilation.machineFactory()).build();
		assertThat(instance.export(WasmModuleWriter.exportName(2)).apply(10)[0]).as("f2(10) of module " + seed)
			.isEqualTo(10 + 2 + seed);
		return compilation.event().source();
	}

	String namespace() {
		return this.compiler.namespace();
	}

	/**
	 * Waits until every publish this node accepted is in Redis (or dropped).
	 */
	void awaitPublished() {
		Await.await("publishes of " + this.tier, 30_000, this.tier::isPublishQueueEmpty);
	}

	@Override
	public void close() {
		this.compiler.close();
		this.tier.close();
		this.local.close();
	}

}
