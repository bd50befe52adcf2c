package io.github.chicorycache.redis;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes entries off the compiling thread: one daemon thread and a bounded queue, so a
 * slow Redis can delay publishes but never a compilation, and a burst of compilations
 * cannot hold more than {@code capacity} entries in memory.
 */
final class Publisher implements AutoCloseable {

	private final ThreadPoolExecutor executor;

	private final AtomicInteger pending = new AtomicInteger();

	Publisher(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("The publish queue must hold at least one entry, was " + capacity);
		}
		this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
				(task) -> {
					Thread thread = new Thread(task, "chicory-cache-redis-publisher");
					thread.setDaemon(true);
					return thread;
				});
	}

	/**
	 * Queues a publish.
	 * @param task the publish
	 * @return {@code false} if the queue is full or closed (the publish is dropped)
	 */
	boolean submit(Runnable task) {
		this.pending.incrementAndGet();
		try {
			this.executor.execute(() -> {
				try {
					task.run();
				}
				finally {
					this.pending.decrementAndGet();
				}
			});
			return true;
		}
		catch (RejectedExecutionException ex) {
			this.pending.decrementAndGet();
			return false;
		}
	}

	/**
	 * Returns whether no publish is queued or running.
	 * @return whether the publisher is idle
	 */
	boolean isIdle() {
		return this.pending.get() == 0;
	}

	/**
	 * Lets queued publishes finish for a bounded time, then drops the rest.
	 * @param grace how long to wait
	 */
	void close(Duration grace) {
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		close(Duration.ZERO);
	}

}
