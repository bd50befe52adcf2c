package io.github.chicorycache.autoconfigure.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CacheStats;
import io.github.chicorycache.DirectoryCache;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@link org.springframework.boot.health.contributor.HealthIndicator} for the Chicory
 * compile cache.
 * <p>
 * Always {@code UP}: the application works without the cache, by compiling, so a broken
 * cache must not take it out of a load balancer. Degradation (a directory that cannot be
 * written, recent I/O failures) shows in the details and in one warning log line.
 */
public class ChicoryCacheHealthIndicator extends AbstractHealthIndicator {

	/**
	 * How long a fault keeps the cache reported as degraded.
	 */
	static final Duration RECENT = Duration.ofMinutes(10);

	private static final Log logger = LogFactory.getLog(ChicoryCacheHealthIndicator.class);

	private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

	private final DirectoryCache cache;

	private final Clock clock;

	private final AtomicBoolean degraded = new AtomicBoolean();

	public ChicoryCacheHealthIndicator(DirectoryCache cache) {
		this(cache, Clock.systemUTC());
	}

	ChicoryCacheHealthIndicator(DirectoryCache cache, Clock clock) {
		super("Chicory cache health check failed");
		this.cache = cache;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		CacheStats stats = this.cache.stats();
		boolean writable = this.cache.isWritable();
		CacheFault fault = stats.lastFault();
		boolean recentFault = fault != null && fault.time().isAfter(this.clock.instant().minus(RECENT));
		String problem = problem(writable, recentFault ? fault : null);
		builder.up()
			.withDetail("directory", this.cache.root().toString())
			.withDetail("readOnly", this.cache.isReadOnly())
			.withDetail("writable", writable)
			.withDetail("entries", stats.entryCount())
			.withDetail("sizeBytes", stats.totalBytes())
			.withDetail("maxSizeBytes", this.cache.limits().maxSizeBytes())
			.withDetail("corruptEntries", stats.corruptEntries())
			.withDetail("putFailures", stats.putFailures())
			.withDetail("faults", stats.faults())
			.withDetail("degraded", problem != null);
		Long free = freeDiskSpace(this.cache.root());
		if (free != null) {
			builder.withDetail("freeDiskSpaceBytes", free);
		}
		if (problem != null) {
			builder.withDetail("problem", problem);
		}
		if (fault != null) {
			builder.withDetail("lastFault", fault.kind().name().toLowerCase(Locale.ROOT) + " at "
					+ TIMESTAMP.format(fault.time()) + ": " + fault.message());
		}
		if (problem != null && this.degraded.compareAndSet(false, true)) {
			logger
				.warn("Chicory cache is degraded (the application still works, compiling modules instead): " + problem);
		}
		else if (problem == null) {
			this.degraded.set(false);
		}
	}

	private @Nullable String problem(boolean writable, @Nullable CacheFault recentFault) {
		if (!this.cache.isReadOnly() && !writable) {
			return "directory " + this.cache.root() + " is not writable; compiled modules are not stored";
		}
		if (recentFault != null) {
			return "recent " + recentFault.kind().name().toLowerCase(Locale.ROOT) + " failure: "
					+ recentFault.message();
		}
		return null;
	}

	private static @Nullable Long freeDiskSpace(Path directory) {
		Path existing = directory;
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing == null) {
			return null;
		}
		try {
			return Files.getFileStore(existing).getUsableSpace();
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

}
