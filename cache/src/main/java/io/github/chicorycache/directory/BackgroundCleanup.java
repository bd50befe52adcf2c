package io.github.chicorycache.directory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CleanupResult;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: runs the cleanup passes ({@code CleanupPass}) of a
 * {@link io.github.chicorycache.DirectoryCache}: in the background when asked (at most
 * one pending at a time), or on the caller's thread; never two at once in one process.
 * Owns the executor unless given one, and stops background work on {@link #close()}.
 * <p>
 * On its own thread, the opening pass of a cache waits a little
 * ({@link #requestOpeningPass(Duration)}): a process opens its cache as it starts, and on
 * a small machine a pass then takes CPU from the start it is meant to speed up
 * (milliseconds from a module's bytes to its machine factory on a hit, see the
 * benchmarks). It runs earlier when the process stores an entry (a compilation took far
 * longer); and a process that stored and closes before it ran, or before it finished,
 * runs it at {@link #close()}, so that what it stored is held to the limits. A process
 * that only read leaves it to the next.
 */
public final class BackgroundCleanup implements AutoCloseable {

	private final CleanupPass pass;

	private final Executor executor;

	private final @Nullable ScheduledThreadPoolExecutor ownedExecutor;

	private final FaultRecorder faults;

	private final Path root;

	/** How long close() waits in all for a pass in progress to give up. */
	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private final ReentrantLock lock = new ReentrantLock();

	private final AtomicBoolean pending = new AtomicBoolean();

	/** Whether no pass has run to its end since the cache opened with a pass to run. */
	private final AtomicBoolean openingPassDue = new AtomicBoolean();

	private volatile boolean stored;

	private volatile boolean closed;

	/**
	 * Creates the runner.
	 * @param pass the pass to run
	 * @param executor the executor for background passes, or {@code null} for a daemon
	 * thread of its own
	 * @param faults where failures are recorded
	 * @param root the cache root, for messages
	 */
	BackgroundCleanup(CleanupPass pass, @Nullable Executor executor, FaultRecorder faults, Path root) {
		this.pass = pass;
		this.faults = faults;
		this.root = root;
		if (executor != null) {
			this.executor = executor;
			this.ownedExecutor = null;
		}
		else {
			this.ownedExecutor = newCleanupExecutor();
			this.executor = this.ownedExecutor;
		}
	}

	/**
	 * Asks for the opening pass: in the background after a delay if the executor is the
	 * runner's own, at once if it was given (it decides when the pass runs); earlier when
	 * {@link #recordStore()} comes first. Any pass that runs to its end meanwhile is the
	 * opening pass.
	 * @param delay the delay
	 */
	void requestOpeningPass(Duration delay) {
		this.openingPassDue.set(true);
		if (this.ownedExecutor == null || delay.isZero()) {
			request();
			return;
		}
		// Saturates: a delay of centuries is no overflow.
		this.ownedExecutor.schedule(this::requestIfOpeningPassDue, TimeUnit.NANOSECONDS.convert(delay),
				TimeUnit.NANOSECONDS);
	}

	/**
	 * Records that this process stored an entry: the opening pass, if it has not run,
	 * runs now, since the count of entries covers this process's puts only until it has.
	 */
	void recordStore() {
		this.stored = true;
		requestIfOpeningPassDue();
	}

	private void requestIfOpeningPassDue() {
		if (this.openingPassDue.get()) {
			request();
		}
	}

	/**
	 * Asks for a pass in the background, unless one is pending or the cache is closed.
	 */
	void request() {
		if (this.closed || !this.pending.compareAndSet(false, true)) {
			return;
		}
		try {
			this.executor.execute(() -> {
				try {
					runInBackground();
				}
				catch (RuntimeException | Error ex) {
					// An Error too: the executor's future would swallow it unseen.
					this.faults.record(CacheFault.Kind.CLEANUP, "Cleanup of " + this.root + " failed", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.pending.set(false);
		}
	}

	/**
	 * Runs a pass on the calling thread, after any pass in progress.
	 * @return what the pass did
	 */
	public CleanupResult runNow() {
		this.lock.lock();
		try {
			this.openingPassDue.set(false);
			return Objects.requireNonNull(this.pass.run(() -> false), "cleanup result");
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Removes every entry on the calling thread, after any pass in progress.
	 * @return what was removed
	 * @throws IllegalStateException if the cache is read-only
	 */
	public CleanupResult clear() {
		this.lock.lock();
		try {
			CleanupResult result = this.pass.clear();
			this.openingPassDue.set(false);
			return result;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Returns whether background work was stopped.
	 * @return whether this is closed
	 */
	boolean isClosed() {
		return this.closed;
	}

	/**
	 * Stops background work: a pass in progress gives up, no new one starts, and an
	 * executor of its own is shut down. Waits up to 10 s in all for a pass in progress to
	 * give up, so that nothing is removed after this returns unless a pass is stuck (in a
	 * hung file system, say). Then, if this process stored entries and the opening pass
	 * has not run to its end, it runs on the calling thread (an interrupt stops it).
	 */
	@Override
	public void close() {
		this.closed = true;
		long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
		boolean interrupted = Thread.interrupted();
		// Closed from within a pass (by a clock or a logger of the caller's, say): that
		// pass is the one to wait for, and it holds the lock already.
		boolean inPass = this.lock.isHeldByCurrentThread();
		try {
			ScheduledThreadPoolExecutor owned = this.ownedExecutor;
			if (owned != null) {
				owned.shutdownNow();
				if (!inPass) {
					awaitUninterruptibly(() -> owned.awaitTermination(left(deadline), TimeUnit.NANOSECONDS));
				}
			}
			if (!awaitUninterruptibly(() -> this.lock.tryLock(left(deadline), TimeUnit.NANOSECONDS))) {
				// A pass in progress is stuck: close() must not hang with it.
				return;
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
		try {
			if (this.stored) {
				runOpeningPassOnClose();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits, an interrupt of the closing thread notwithstanding (it is restored
	 * afterwards): close() returns only after a pass in progress gave up.
	 */
	private static boolean awaitUninterruptibly(Wait wait) {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return wait.await();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static long left(long deadline) {
		return Math.max(0, deadline - System.nanoTime());
	}

	private void runOpeningPassOnClose() {
		try {
			if (this.openingPassDue.getAndSet(false)) {
				this.pass.run(() -> Thread.currentThread().isInterrupted());
			}
		}
		catch (RuntimeException | Error ex) {
			this.faults.record(CacheFault.Kind.CLEANUP, "Cleanup of " + this.root + " failed", ex);
			if (ex instanceof VirtualMachineError error) {
				throw error;
			}
		}
	}

	private void runInBackground() {
		this.lock.lock();
		try {
			// Cleared under the lock: a request while a pass waits for it needs no other.
			this.pending.set(false);
			if (this.closed) {
				return;
			}
			boolean opening = this.openingPassDue.getAndSet(false);
			if (this.pass.run(() -> this.closed) == null && opening) {
				// Gave up for close(), which runs it if this process stored.
				this.openingPassDue.set(true);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private static ScheduledThreadPoolExecutor newCleanupExecutor() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "chicory-cache-cleanup");
			thread.setDaemon(true);
			return thread;
		});
		// close() drops a pass still waiting for its time (shutdownNow); so would a
		// plain shutdown.
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		executor.setKeepAliveTime(30, TimeUnit.SECONDS);
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	@FunctionalInterface
	private interface Wait {

		boolean await() throws InterruptedException;

	}

}
