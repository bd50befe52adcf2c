package io.github.chicorycache.autoconfigure.metrics;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * One statistics snapshot shared by the measurements of a meter binder. Micrometer calls
 * each measurement's function on its own, so a scrape would take one snapshot per
 * measurement; here the first measurement takes one and the others reuse it. A snapshot
 * is renewed when a measurement reads it a second time (the next scrape, or another
 * registry), or once it is older than the maximum age, so a value is never older than
 * that.
 *
 * @param <T> the snapshot type
 */
final class SharedSnapshot<T> {

	/**
	 * How long a snapshot serves the measurements that have not read it yet.
	 */
	static final Duration MAX_AGE = Duration.ofSeconds(1);

	private final Supplier<T> source;

	private final LongSupplier nanoTime;

	private final long maxAgeNanos;

	private int readers;

	private @Nullable T snapshot;

	private long takenAt;

	/**
	 * The readers that have read the current snapshot, one bit each.
	 */
	private long readBy;

	SharedSnapshot(Supplier<T> source) {
		this(source, System::nanoTime, MAX_AGE);
	}

	SharedSnapshot(Supplier<T> source, LongSupplier nanoTime, Duration maxAge) {
		this.source = source;
		this.nanoTime = nanoTime;
		this.maxAgeNanos = maxAge.toNanos();
	}

	/**
	 * Returns the access of one measurement to the snapshot.
	 * @return the reader
	 */
	synchronized Supplier<T> reader() {
		if (this.readers == Long.SIZE) {
			throw new IllegalStateException("At most " + Long.SIZE + " readers share a snapshot");
		}
		long bit = 1L << this.readers++;
		return () -> read(bit);
	}

	private synchronized T read(long bit) {
		long now = this.nanoTime.getAsLong();
		T current = this.snapshot;
		if (current == null || (this.readBy & bit) != 0 || now - this.takenAt >= this.maxAgeNanos) {
			current = this.source.get();
			this.snapshot = current;
			this.takenAt = now;
			this.readBy = 0;
		}
		this.readBy |= bit;
		return current;
	}

}
