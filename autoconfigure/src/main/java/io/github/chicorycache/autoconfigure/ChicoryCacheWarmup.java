package io.github.chicorycache.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationEvent;
import io.github.chicorycache.CompilationSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Compiles the modules matched by {@code chicory.cache.warmup.locations} when the
 * application starts, so that they come from the cache at the first request, and so that
 * a "training run" during a container build fills the cache for the image.
 */
public class ChicoryCacheWarmup implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ChicoryCacheWarmup.class);

	/**
	 * Lifecycle phase of the warm-up.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

	private final ChicoryCompiler compiler;

	private final ResourcePatternResolver resourceResolver;

	private final ChicoryCacheProperties.Warmup properties;

	private volatile @Nullable Thread worker;

	private volatile @Nullable WarmupResult result;

	private volatile boolean running;

	public ChicoryCacheWarmup(ChicoryCompiler compiler, ResourcePatternResolver resourceResolver,
			ChicoryCacheProperties.Warmup properties) {
		this.compiler = compiler;
		this.resourceResolver = resourceResolver;
		this.properties = properties;
	}

	@Override
	public void start() {
		this.running = true;
		if (this.properties.getMode() == ChicoryCacheProperties.Warmup.Mode.SYNC) {
			run();
			return;
		}
		Thread thread = new Thread(this::runInBackground, "chicory-cache-warmup");
		thread.setDaemon(true);
		this.worker = thread;
		thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		Thread thread = this.worker;
		if (thread != null) {
			thread.interrupt();
		}
	}

	/**
	 * Starts well before the web server (which starts a little below
	 * {@link SmartLifecycle#DEFAULT_PHASE}), so that a synchronous warm-up is over before
	 * the port accepts requests.
	 */
	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Returns the outcome of the warm-up, or {@code null} while it has not finished.
	 * @return the result
	 */
	public @Nullable WarmupResult getResult() {
		return this.result;
	}

	private void runInBackground() {
		try {
			run();
		}
		catch (WarmupException ex) {
			// The application has started already: fail-on-error cannot stop it.
			logger.error(ex.getMessage() + "; the warm-up ran in the background (async), so the application runs");
		}
	}

	/**
	 * Compiles every module the locations match, and logs what happened.
	 * @return the result
	 * @throws WarmupException if a module failed and {@code fail-on-error} is set
	 */
	WarmupResult run() {
		long start = System.nanoTime();
		Map<String, CompilationSource> modules = new LinkedHashMap<>();
		Map<String, String> failures = new LinkedHashMap<>();
		for (Resource resource : resources(failures)) {
			if (Thread.currentThread().isInterrupted()) {
				break;
			}
			String name = describe(resource);
			try (InputStream in = resource.getInputStream()) {
				// load() rather than parse and compile: a module in the cache is not even
				// parsed, and the application's own load of the same bytes finds it in
				// memory.
				CompilationEvent event = this.compiler.load(in).event();
				modules.put(name, event.source());
				if (logger.isDebugEnabled()) {
					logger.debug("Chicory warm-up: " + name + " from " + event.source() + " in "
							+ event.duration().toMillis() + " ms");
				}
			}
			catch (IOException | RuntimeException | LinkageError ex) {
				failures.put(name, ex.toString());
				// A module that is not WebAssembly is a configuration problem, not a bug:
				// the stack trace only helps at debug level.
				logger.warn("Chicory warm-up could not compile " + name + ": " + ex);
				logger.debug("Chicory warm-up failure of " + name, ex);
			}
		}
		WarmupResult result = new WarmupResult(modules, failures, Duration.ofNanos(System.nanoTime() - start));
		this.result = result;
		logger.info(result.summary());
		if (!failures.isEmpty() && this.properties.isFailOnError()) {
			throw new WarmupException(failures);
		}
		return result;
	}

	private List<Resource> resources(Map<String, String> failures) {
		List<Resource> resources = new ArrayList<>();
		for (String location : this.properties.getLocations()) {
			if (location.isBlank()) {
				continue;
			}
			try {
				for (Resource resource : this.resourceResolver.getResources(location)) {
					if (resource.isReadable()) {
						resources.add(resource);
					}
				}
			}
			catch (IOException ex) {
				failures.put(location, ex.toString());
				logger.warn("Chicory warm-up could not resolve " + location + ": " + ex);
			}
		}
		return resources;
	}

	private static String describe(Resource resource) {
		try {
			return resource.getURI().toString();
		}
		catch (IOException ex) {
			return resource.getDescription();
		}
	}

	/**
	 * The outcome of a warm-up.
	 *
	 * @param modules the modules compiled, by resource, with where their code came from
	 * @param failures the modules or locations that failed, with the error
	 * @param duration how long the warm-up took
	 */
	public record WarmupResult(Map<String, CompilationSource> modules, Map<String, String> failures,
			Duration duration) {

		public WarmupResult {
			// In the order the modules were loaded, as the log and the endpoint show
			// them.
			modules = Collections.unmodifiableMap(new LinkedHashMap<>(modules));
			failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
		}

		/**
		 * Returns how many modules came from a source.
		 * @param source the source
		 * @return the count
		 */
		public long count(CompilationSource source) {
			return this.modules.values().stream().filter(source::equals).count();
		}

		/**
		 * Returns the line that the warm-up logs: how many modules, how many failed, the
		 * time, and where the code came from, every source counted.
		 * @return the summary
		 */
		public String summary() {
			StringBuilder summary = new StringBuilder("Chicory warm-up: ").append(this.modules.size())
				.append(" modules, ")
				.append(this.failures.size())
				.append(" failed, in ")
				.append(this.duration.toMillis())
				.append(" ms; code from");
			String separator = " ";
			for (CompilationSource source : CompilationSource.values()) {
				summary.append(separator)
					.append(source.name().toLowerCase(Locale.ROOT))
					.append(": ")
					.append(count(source));
				separator = ", ";
			}
			return summary.toString();
		}

	}

	/**
	 * Thrown when warm-up fails and {@code chicory.cache.warmup.fail-on-error} is set.
	 */
	public static class WarmupException extends IllegalStateException {

		WarmupException(Map<String, String> failures) {
			super("Chicory warm-up failed for " + failures.size() + " module(s) "
					+ "(chicory.cache.warmup.fail-on-error=true): " + failures);
		}

	}

}
