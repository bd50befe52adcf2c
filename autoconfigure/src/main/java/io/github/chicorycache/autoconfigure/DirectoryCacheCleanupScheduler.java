package io.github.chicorycache.autoconfigure;

import java.time.Duration;

import io.github.chicorycache.DirectoryCache;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Runs the cleanup passes of a {@link DirectoryCache} on a scheduler of its own that
 * starts and stops with the application context: one when it starts, then one every
 * interval.
 */
public class DirectoryCacheCleanupScheduler implements SmartLifecycle {

	private final DirectoryCache cache;

	private final Duration interval;

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private volatile boolean running;

	public DirectoryCacheCleanupScheduler(DirectoryCache cache, Duration interval) {
		this.cache = cache;
		this.interval = interval;
		this.scheduler.setThreadNamePrefix("chicory-cache-cleanup-");
		this.scheduler.setDaemon(true);
		this.scheduler.setWaitForTasksToCompleteOnShutdown(false);
		// A pass in progress runs to its end (it is bounded by the directory's size);
		// shutdown waits for it up to this long before the cache closes.
		this.scheduler.setAwaitTerminationSeconds(10);
	}

	@Override
	public void start() {
		this.scheduler.initialize();
		// The first pass runs now rather than when the cache opened: after the beans and
		// a synchronous warm-up, so that it takes no CPU from the modules they load (an
		// asynchronous warm-up, or modules loaded later, may still run beside it).
		this.scheduler.scheduleWithFixedDelay(this.cache::cleanup, this.scheduler.getClock().instant(), this.interval);
		this.running = true;
	}

	@Override
	public void stop() {
		this.scheduler.shutdown();
		this.running = false;
	}

	/**
	 * Starts right after the warm-up ({@link ChicoryCacheWarmup#PHASE}) and before the
	 * web server, so that the first pass has counted the directory, as a rule, before the
	 * port accepts requests.
	 */
	@Override
	public int getPhase() {
		return ChicoryCacheWarmup.PHASE + 1;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Returns the interval between passes.
	 * @return the interval
	 */
	public Duration getInterval() {
		return this.interval;
	}

}
