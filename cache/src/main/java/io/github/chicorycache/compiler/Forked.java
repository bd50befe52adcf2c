package io.github.chicorycache.compiler;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;

/**
 * Not API: work handed to a pool so that it runs beside the caller's, which the caller
 * then joins. The caller never waits for the pool: if no pool thread has started the work
 * when the caller joins, the caller does it itself. So a busy pool, a pool of one thread
 * or a single CPU cost nothing but the hand-over, and a caller cannot wait on work queued
 * behind its own.
 *
 * @param <T> the type of the result
 */
final class Forked<T> {

	private final FutureTask<T> task;

	private Forked(Callable<T> work) {
		this.task = new FutureTask<>(work);
	}

	/**
	 * Hands work to the common pool.
	 * @param <T> the type of the result
	 * @param work the work
	 * @return the work, to join
	 */
	static <T> Forked<T> start(Callable<T> work) {
		return start(work, ForkJoinPool.commonPool());
	}

	/**
	 * Hands work to a pool.
	 * @param <T> the type of the result
	 * @param work the work
	 * @param pool the pool
	 * @return the work, to join
	 */
	static <T> Forked<T> start(Callable<T> work, Executor pool) {
		Forked<T> forked = new Forked<>(work);
		try {
			pool.execute(forked.task);
		}
		catch (RejectedExecutionException ex) {
			// The caller does it when it joins.
		}
		return forked;
	}

	/**
	 * Hands work to a thread of its own, started for it: for work beside the caller's
	 * that must not wait behind other work on the common pool (which has a single thread
	 * on two cores). If no thread can be started, the caller does the work when it joins.
	 * @param <T> the type of the result
	 * @param work the work
	 * @param threadName the name of the thread
	 * @return the work, to join
	 */
	static <T> Forked<T> startOnOwnThread(Callable<T> work, String threadName) {
		return start(work, (task) -> {
			try {
				Thread thread = new Thread(task, threadName);
				thread.setDaemon(true);
				thread.start();
			}
			catch (OutOfMemoryError | RuntimeException ex) {
				// No native thread to be had now, or none allowed (a security manager):
				// no reason to fail the caller, who does the work itself.
				throw new RejectedExecutionException(ex);
			}
		});
	}

	/**
	 * Returns the result of the work, doing the work now if no pool thread has started
	 * it, or else waiting for the pool thread that does it. The wait is not interrupted
	 * (the work is finite and running); an interrupt is kept for the caller.
	 * @return the result
	 * @throws RuntimeException or {@link Error} as thrown by the work
	 */
	T join() {
		this.task.run();
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return this.task.get();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
				catch (ExecutionException ex) {
					throw Causes.unwrapped(ex.getCause());
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Gives up the work: a pool thread that has not started it will not.
	 */
	void cancel() {
		this.task.cancel(false);
	}

}
