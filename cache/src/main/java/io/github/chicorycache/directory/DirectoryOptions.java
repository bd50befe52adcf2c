package io.github.chicorycache.directory;

import java.time.Clock;
import java.time.Duration;

import io.github.chicorycache.CacheLimits;

/**
 * Not API: the settings of a {@link io.github.chicorycache.DirectoryCache} that its parts
 * share, as its builder fixed them.
 *
 * @param limits the size, count and age limits
 * @param maxEntrySizeBytes the largest entry file that is stored or read
 * @param tempFileMaxAge the age after which a temporary file is an orphan
 * @param readOnly whether the cache only reads
 * @param clock the clock of creation and access times
 */
public record DirectoryOptions(CacheLimits limits, long maxEntrySizeBytes, Duration tempFileMaxAge, boolean readOnly,
		Clock clock) {

}
