package io.github.chicorycache.redis;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.CompilerStats;

/**
 * One instance of a fleet in its own JVM, for {@link FleetProcessTests}: it opens its
 * local directory and the tier, prints {@value #READY}, waits for a line on its input,
 * compiles and runs modules {@code first .. first + count - 1} (of 300 functions, so that
 * compilations overlap) on a few threads, and prints {@value #RESULT} with its counts. A
 * wrong result or a failed compilation exits with status 1.
 * <p>
 * Arguments: Redis port, local directory, first module seed, module count, threads.
 */
public final class FleetWorker {

	static final String READY = "READY";

	static final String RESULT = "RESULT";

	private FleetWorker() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		Path directory = Path.of(args[1]);
		int first = Integer.parseInt(args[2]);
		int count = Integer.parseInt(args[3]);
		int threads = Integer.parseInt(args[4]);
		RedisCacheTier tier = RedisCacheTier.builder("127.0.0.1", port)
			.withSecret(FleetNode.SECRET)
			.withConnectTimeout(java.time.Duration.ofSeconds(10))
			.withCommandTimeout(java.time.Duration.ofSeconds(10))
			.withLeaseWait(java.time.Duration.ofSeconds(90))
			.withLeaseTime(java.time.Duration.ofSeconds(120))
			.withPublishQueueSize(count)
			.build();
		int status = 0;
		try (FleetNode node = new FleetNode(directory, tier, 300)) {
			// Warm the compiler up so that the JVMs start compiling at about the same
			// time.
			node.compiler.namespace();
			System.out.println(READY);
			new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
			ExecutorService executor = Executors.newFixedThreadPool(threads);
			List<Future<CompilationSource>> results = new ArrayList<>();
			for (int seed = first; seed < first + count; seed++) {
				int module = seed;
				results.add(executor.submit(() -> node.compileAndRun(module)));
			}
			for (Future<CompilationSource> result : results) {
				result.get();
			}
			executor.shutdown();
			node.awaitPublished();
			CompilerStats compiler = node.compiler.stats();
			RemoteCacheStats remote = tier.stats();
			System.out.println(RESULT + " compiler=" + compiler.compilations(CompilationSource.COMPILER) + " remote="
					+ compiler.compilations(CompilationSource.REMOTE) + " disk="
					+ compiler.compilations(CompilationSource.DISK) + " failures=" + compiler.failures() + " puts="
					+ remote.puts() + " waits=" + remote.fleetWaits() + " waitHits=" + remote.fleetWaitHits()
					+ " rejected=" + remote.rejected() + " faults=" + remote.faults() + " dropped="
					+ remote.droppedPublishes());
		}
		catch (Throwable ex) {
			ex.printStackTrace(System.out);
			status = 1;
		}
		System.out.flush();
		System.exit(status);
	}

}
