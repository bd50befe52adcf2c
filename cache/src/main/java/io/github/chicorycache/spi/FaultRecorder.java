package io.github.chicorycache.spi;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.github.chicorycache.CacheFault;
import org.jspecify.annotations.Nullable;

/**
 * Records the failures a cache absorbs, for implementations of this SPI and the core
 * alike. Each kind is logged at {@code WARNING} the first time only and at {@code DEBUG}
 * afterwards, so a broken disk cannot flood the log; the count and the last fault stay
 * visible in the statistics.
 */
public final class FaultRecorder {

	private final Set<CacheFault.Kind> logged = ConcurrentHashMap.newKeySet();

	private final LongAdder count = new LongAdder();

	private final AtomicReference<@Nullable CacheFault> last = new AtomicReference<>();

	private final Clock clock;

	private final String loggerName;

	/**
	 * Creates a recorder.
	 * @param clock the clock that dates faults
	 * @param owner the class whose logger reports faults
	 */
	public FaultRecorder(Clock clock, Class<?> owner) {
		this.clock = clock;
		this.loggerName = owner.getName();
	}

	/**
	 * Records a failure that the cache absorbed.
	 * @param kind what failed
	 * @param message what happened, naming the file or key
	 * @param cause the exception, if any
	 */
	public void record(CacheFault.Kind kind, String message, @Nullable Throwable cause) {
		String full = (cause != null) ? message + ": " + cause : message;
		this.count.increment();
		this.last.set(new CacheFault(kind, full, this.clock.instant()));
		if (this.logged.add(kind)) {
			String warning = "Chicory cache " + kind.name().toLowerCase(Locale.ROOT) + " failure (the cache goes on "
					+ "without it; further failures of this kind are logged at DEBUG): " + full;
			// An I/O failure (a directory that cannot be created or written) is said in
			// one
			// line, which names the exception; its stack trace only helps at DEBUG.
			logger().log(Level.WARNING, warning, (cause instanceof IOException) ? null : cause);
			if (cause instanceof IOException) {
				logger().log(Level.DEBUG, "Stack trace of the " + kind.name().toLowerCase(Locale.ROOT) + " failure",
						cause);
			}
		}
		else {
			logger().log(Level.DEBUG,
					() -> "Chicory cache " + kind.name().toLowerCase(Locale.ROOT) + " failure: " + full);
		}
	}

	/**
	 * Returns how many failures were recorded.
	 * @return the count
	 */
	public long count() {
		return this.count.sum();
	}

	/**
	 * Returns the last failure recorded.
	 * @return the fault, or {@code null} if none happened
	 */
	public @Nullable CacheFault last() {
		return this.last.get();
	}

	/**
	 * Looked up when something is logged, not when this class loads: a logger initializes
	 * the logging system, which costs a fresh JVM tens of milliseconds on the way to its
	 * first module.
	 */
	private Logger logger() {
		return System.getLogger(this.loggerName);
	}

}
