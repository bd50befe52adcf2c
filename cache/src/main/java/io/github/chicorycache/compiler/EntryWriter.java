package io.github.chicorycache.compiler;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.Deflater;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: stores cache entries off the compiling caller's thread. The caller has its
 * machine factory as soon as the module is compiled; writing the entry (JAR, meta module,
 * binding, and the cache's temporary file, fsync and rename) happens on one background
 * daemon thread, which starts with the first store and ends when idle.
 * <p>
 * The queue is bounded: a store that does not fit is dropped and counted (the module is
 * compiled again on a later start). A crash before a store loses only that entry, since
 * caches publish entries atomically. {@link #close} writes what is queued, for a bounded
 * time. With a capacity of {@code 0}, or after {@code close}, entries are stored on the
 * caller's thread.
 */
public final class EntryWriter {

	/**
	 * How long after its hand-over a store starts at the earliest.
	 */
	static final Duration GRACE = Duration.ofMillis(2);

	private final FaultRecorder faults;

	private final long graceNanos;

	private final @Nullable ThreadPoolExecutor executor;

	/**
	 * The writer thread while it waits out a store's grace, for {@link #close} to wake.
	 */
	private volatile @Nullable Thread waiting;

	private final LongAdder dropped = new LongAdder();

	private final AtomicBoolean loggedDrop = new AtomicBoolean();

	/**
	 * Creates a writer.
	 * @param capacity how many stores may wait for the writer thread; {@code 0} stores on
	 * the caller's thread
	 * @param faults where failed stores are recorded
	 */
	public EntryWriter(int capacity, FaultRecorder faults) {
		this(capacity, faults, GRACE);
	}

	EntryWriter(int capacity, FaultRecorder faults, Duration grace) {
		this.faults = faults;
		this.graceNanos = grace.toNanos();
		if (capacity <= 0) {
			this.executor = null;
			return;
		}
		ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(capacity), (runnable) -> {
					Thread thread = new Thread(runnable, "chicory-cache-store");
					thread.setDaemon(true);
					return thread;
				}, (runnable, pool) -> rejected(runnable, pool));
		executor.allowCoreThreadTimeOut(true);
		// Started now rather than by the first store, which then only hands its work
		// over: a thread start costs a small module's miss several percent.
		executor.prestartCoreThread();
		this.executor = executor;
	}

	/**
	 * Stores the entry of a compiled module, now or in the background.
	 * @param store the cache namespace
	 * @param namespace its name, part of the binding
	 * @param digest the module digest, the key
	 * @param compiled the compiled code
	 * @param functions the number of functions of the module, imported ones included
	 * @param source what a meta module is made from, or {@code null} for none
	 */
	public void store(CacheNamespace store, String namespace, String digest, MachineCode.Compiled compiled,
			int functions, @Nullable ModuleSource source) {
		ThreadPoolExecutor executor = this.executor;
		if (executor == null) {
			write(store, namespace, digest, compiled, functions, source);
			return;
		}
		long handedOver = System.nanoTime();
		executor.execute(new StoreTask(store, digest, () -> {
			awaitGrace(handedOver, executor);
			write(store, namespace, digest, compiled, functions, source);
		}));
	}

	/**
	 * Lets a store that the writer thread takes up at once wait until {@link #GRACE}
	 * after it was handed over, unless the writer is closing. Why: waking the writer
	 * thread lets it run at once, and on a machine of few cores it takes the caller's
	 * core, or slows it, while the caller returns from the compilation. Measured on 2
	 * cores, a 10-function module's miss took 1.13 to 1.2 times a bare compile without
	 * the wait, 1.01 to 1.05 times with 0.5 to 2 ms. The store does the same work, later;
	 * a store that waited in the queue does not wait again.
	 */
	private void awaitGrace(long handedOver, ThreadPoolExecutor executor) {
		long left = this.graceNanos - (System.nanoTime() - handedOver);
		if (left <= 0 || executor.isShutdown()) {
			// Also a store that close left to the caller's thread.
			return;
		}
		// Set before isShutdown is read: close shuts down before it reads this, so
		// either this sees the shutdown or close sees this thread and wakes it.
		this.waiting = Thread.currentThread();
		try {
			while (left > 0 && !executor.isShutdown() && !Thread.currentThread().isInterrupted()) {
				LockSupport.parkNanos(left);
				left = this.graceNanos - (System.nanoTime() - handedOver);
			}
		}
		finally {
			this.waiting = null;
		}
	}

	/**
	 * Returns how many stores were dropped because the queue was full.
	 * @return the count
	 */
	public long dropped() {
		return this.dropped.sum();
	}

	/**
	 * Writes the queued stores and stops the writer thread; later stores run on the
	 * caller's thread. Stores still queued at the deadline are dropped and counted.
	 * @param timeout how long to wait for the queued stores
	 * @return whether every queued store was written
	 */
	public boolean close(Duration timeout) {
		ThreadPoolExecutor executor = this.executor;
		if (executor == null) {
			return true;
		}
		executor.shutdown();
		Thread waiting = this.waiting;
		if (waiting != null) {
			// A store waiting out its grace starts now.
			LockSupport.unpark(waiting);
		}
		try {
			if (executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				return true;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		List<Runnable> abandoned = executor.shutdownNow();
		this.dropped.add(abandoned.size());
		abandoned.forEach(EntryWriter::abandon);
		logger().log(Level.WARNING, "Chicory cache: " + abandoned.size()
				+ " compiled modules were not stored before the deadline of " + timeout);
		return false;
	}

	private void rejected(Runnable task, ThreadPoolExecutor pool) {
		if (pool.isShutdown()) {
			task.run();
			return;
		}
		this.dropped.increment();
		abandon(task);
		if (this.loggedDrop.compareAndSet(false, true)) {
			logger().log(Level.INFO, "Chicory cache: the store queue is full; compiled modules are not stored "
					+ "while it is (counted as dropped stores; further drops are logged at DEBUG)");
		}
		else {
			logger().log(Level.DEBUG, "Chicory cache: a store was dropped, the queue is full");
		}
	}

	private void write(CacheNamespace store, String namespace, String digest, MachineCode.Compiled compiled,
			int functions, @Nullable ModuleSource source) {
		boolean handedOver = false;
		try {
			CompiledJarVerifier.verifyComplete(compiled.mainClass(), compiled.classes());
			Set<Integer> interpreted = compiled.interpretedFunctions();
			byte[] meta = (source != null && interpreted != null)
					? MetaModule.create(source.bytes(), digest, source.functionImports(), interpreted) : null;
			byte[] jar = EntryJar.write(compiled.mainClass(), compiled.classes(), Deflater.BEST_SPEED, meta, functions);
			byte[] entry = CompiledJarVerifier.bind(jar, CompiledJarVerifier.binding(namespace, digest));
			handedOver = true;
			store.putIfAbsent(digest, entry);
		}
		catch (CompiledJarVerifier.InvalidEntryException ex) {
			this.faults.record(CacheFault.Kind.WRITE,
					"The compiled code of " + digest + " is incomplete (" + ex.getMessage() + "); it is not stored",
					null);
		}
		catch (Exception | Error ex) {
			// An Error too: a store must never take the writer thread down.
			this.faults.record(CacheFault.Kind.WRITE, "Could not store the cache entry of " + digest, ex);
		}
		finally {
			if (!handedOver) {
				abandon(store, digest);
			}
		}
	}

	private static void abandon(Runnable task) {
		if (task instanceof StoreTask store) {
			abandon(store.store(), store.digest());
		}
	}

	static void abandon(CacheNamespace store, String digest) {
		try {
			store.abandon(digest);
		}
		catch (RuntimeException ex) {
			logger().log(Level.DEBUG, () -> "Chicory cache: " + store + " failed to abandon " + digest, ex);
		}
	}

	/**
	 * Looked up when something is logged, not when this class loads: a logger initializes
	 * the logging system, which costs a fresh JVM tens of milliseconds on the way to its
	 * first module.
	 */
	private static Logger logger() {
		return System.getLogger(EntryWriter.class.getName());
	}

	/**
	 * A queued store, with what is needed to abandon it if it is dropped.
	 */
	private record StoreTask(CacheNamespace store, String digest, Runnable write) implements Runnable {

		@Override
		public void run() {
			this.write.run();
		}

	}

	/**
	 * What a meta module is made from: the validated bytes of a module.
	 *
	 * @param bytes the module bytes, not changed after they were handed over
	 * @param functionImports the number of imported functions
	 */
	public record ModuleSource(byte[] bytes, int functionImports) {
	}

}
