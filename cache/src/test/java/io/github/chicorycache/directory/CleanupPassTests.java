package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CacheLimits;
import io.github.chicorycache.CacheStats;
import io.github.chicorycache.CleanupResult;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.EvictionCause;
import io.github.chicorycache.QuietCacheLog;
import io.github.chicorycache.spi.FaultRecorder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CleanupPass} on a real directory whose deletions partly fail (which a
 * test running as root cannot provoke through permissions, hence the deleter): what could
 * not be removed stays counted (issue 11, case 8: {@code clear()} used to set the entry
 * count to 0 whatever happened).
 */
@ExtendWith(QuietCacheLog.class)
class CleanupPassTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	@TempDir
	Path root;

	private final FaultRecorder faults = new FaultRecorder(Clock.fixed(NOW, ZoneOffset.UTC), DirectoryCache.class);

	private final DirectoryStatsCounter stats = new DirectoryStatsCounter(this.faults);

	private final List<Path> entries = new ArrayList<>();

	@BeforeEach
	void entries() throws IOException {
		for (String name : List.of("aa/one.jar", "bb/two.jar", "cc/three.jar")) {
			Path file = this.root.resolve("sha-256").resolve(name);
			Files.createDirectories(file.getParent());
			Files.write(file, new byte[100]);
			Files.setLastModifiedTime(file,
					java.nio.file.attribute.FileTime.from(NOW.minusSeconds(100 - this.entries.size())));
			this.entries.add(file);
		}
	}

	@Test
	void clearCountsWhatItCouldNotRemove() {
		CleanupPass pass = pass(CacheLimits.defaults(), this.entries.get(1));
		CleanupResult result = pass.clear();
		assertThat(result.entriesBefore()).isEqualTo(3);
		assertThat(result.evicted()).containsExactly(Map.entry(EvictionCause.MANUAL, 2L));
		assertThat(result.bytesFreed()).isEqualTo(200);
		assertThat(result.entriesAfter()).isOne();
		assertThat(result.bytesAfter()).isEqualTo(100);
		CacheStats stats = this.stats.snapshot();
		assertThat(stats.entryCount()).isOne();
		assertThat(stats.totalBytes()).isEqualTo(100);
		assertThat(stats.evictions(EvictionCause.MANUAL)).isEqualTo(2);
		assertThat(stats.faults()).isOne();
		assertThat(stats.lastFault().kind()).isEqualTo(CacheFault.Kind.DELETE);
		assertThat(this.entries.get(1)).exists();
	}

	@Test
	void cleanupCountsWhatItCouldNotEvict() {
		// one entry allowed: the two oldest are to go, the oldest will not
		CleanupPass pass = pass(new CacheLimits(10_000, 1, null), this.entries.get(0));
		CleanupResult result = pass.run(() -> false);
		assertThat(result.entriesBefore()).isEqualTo(3);
		assertThat(result.evicted()).containsExactly(Map.entry(EvictionCause.COUNT, 1L));
		assertThat(result.entriesAfter()).isEqualTo(2);
		assertThat(result.bytesAfter()).isEqualTo(200);
		assertThat(this.stats.snapshot().entryCount()).isEqualTo(2);
		assertThat(this.stats.snapshot().lastCleanup()).isEqualTo(result);
	}

	@Test
	void aPassCountsThePutsMadeWhileItRanWhetherItsScanSawThemOrNot() {
		this.stats.recordPut(100);
		DirectoryStatsCounter.PutMark mark = this.stats.putMark();
		this.stats.recordPut(50);
		this.stats.recordPut(25);
		// the scan found 3 entries of 300 bytes, one of them the put of 50 bytes perhaps
		this.stats.reconcile(3, 300, mark);
		assertThat(this.stats.entryCount()).isEqualTo(5);
		assertThat(this.stats.totalBytes()).isEqualTo(375);
		this.stats.reconcile(3, 300, this.stats.putMark());
		assertThat(this.stats.entryCount()).isEqualTo(3);
		assertThat(this.stats.totalBytes()).isEqualTo(300);
	}

	private CleanupPass pass(CacheLimits limits, Path stuck) {
		DirectoryOptions options = new DirectoryOptions(limits, Long.MAX_VALUE, Duration.ofHours(1), false,
				Clock.fixed(NOW, ZoneOffset.UTC));
		EntryLayout layout = new EntryLayout(this.root);
		EntryRemover remover = new EntryRemover(layout, options, this.stats, this.faults, (file) -> {
			if (file.equals(stuck)) {
				throw new AccessDeniedException(file.toString());
			}
			Files.delete(file);
		});
		return new CleanupPass(layout, options, this.stats, this.faults, remover);
	}

}
