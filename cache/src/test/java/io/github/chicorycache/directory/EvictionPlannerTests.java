package io.github.chicorycache.directory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.github.chicorycache.CacheLimits;
import io.github.chicorycache.EvictionCause;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EvictionPlanner}, without a disk: entries, limits and a time in,
 * evictions with their causes out.
 */
class EvictionPlannerTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	@Test
	void withinTheLimitsNothingIsEvicted() {
		List<EntryFile> entries = entries(10, 100);
		assertThat(EvictionPlanner.plan(entries, 0, new CacheLimits(1000, 10, null), NOW)).isEmpty();
		assertThat(EvictionPlanner.plan(List.of(), 0, new CacheLimits(1, 1, Duration.ofSeconds(1)), NOW)).isEmpty();
	}

	@Test
	void overTheEntryLimitTheLeastRecentlyUsedGoDownToNinetyPercent() {
		List<EntryFile> entries = entries(11, 100);
		// listed in any order: the plan follows last access
		java.util.Collections.reverse(entries);
		List<EvictionPlanner.Eviction> plan = EvictionPlanner.plan(entries, 0, new CacheLimits(10_000, 10, null), NOW);
		assertThat(plan).extracting(EvictionPlanner.Eviction::cause).containsOnly(EvictionCause.COUNT);
		assertThat(names(plan)).containsExactly("e0", "e1");
	}

	@Test
	void overTheSizeLimitTheLeastRecentlyUsedGoDownToNinetyPercentOfTheSize() {
		List<EntryFile> entries = entries(11, 100);
		List<EvictionPlanner.Eviction> plan = EvictionPlanner.plan(entries, 0, new CacheLimits(1000, 100, null), NOW);
		assertThat(plan).extracting(EvictionPlanner.Eviction::cause).containsOnly(EvictionCause.SIZE);
		assertThat(names(plan)).containsExactly("e0", "e1");
	}

	@Test
	void theCauseIsCountWhileTheCountIsOverItsTargetThenSize() {
		List<EntryFile> entries = entries(12, 100);
		List<EvictionPlanner.Eviction> plan = EvictionPlanner.plan(entries, 0, new CacheLimits(800, 11, null), NOW);
		// 12 > 11 entries: down to 9 entries (count), then to 720 bytes (size)
		assertThat(plan).extracting(EvictionPlanner.Eviction::cause)
			.containsExactly(EvictionCause.COUNT, EvictionCause.COUNT, EvictionCause.COUNT, EvictionCause.SIZE,
					EvictionCause.SIZE);
	}

	@Test
	void entriesUnusedForLongerThanTheMaximumAgeGoWhateverTheOtherLimits() {
		List<EntryFile> entries = new ArrayList<>();
		entries.add(entry("old", 100, NOW.minus(Duration.ofHours(2))));
		entries.add(entry("borderline", 100, NOW.minus(Duration.ofHours(1))));
		entries.add(entry("young", 100, NOW.minusSeconds(1)));
		List<EvictionPlanner.Eviction> plan = EvictionPlanner.plan(entries, 0,
				new CacheLimits(CacheLimits.DEFAULT_MAX_SIZE_BYTES, 1000, Duration.ofHours(1)), NOW);
		assertThat(plan).singleElement().satisfies((eviction) -> {
			assertThat(eviction.entry().path().getFileName()).hasToString("old");
			assertThat(eviction.cause()).isEqualTo(EvictionCause.AGE);
		});
	}

	@Test
	void ageEvictionsThatBringTheCacheUnderTheLimitAreEnough() {
		List<EntryFile> entries = entries(11, 100);
		entries.set(5, entry("expired", 100, NOW.minus(Duration.ofDays(2))));
		List<EvictionPlanner.Eviction> plan = EvictionPlanner.plan(entries, 0,
				new CacheLimits(10_000, 10, Duration.ofDays(1)), NOW);
		assertThat(names(plan)).containsExactly("expired");
	}

	@Test
	void theMostRecentlyUsedEntryIsKeptIfItFitsOnItsOwn() {
		List<EntryFile> entries = entries(2, 100);
		assertThat(names(EvictionPlanner.plan(entries, 0, new CacheLimits(1000, 1, null), NOW))).containsExactly("e0");
		// a single entry larger than the size limit does not fit, and goes too
		List<EntryFile> huge = List.of(entry("huge", 2000, NOW));
		assertThat(names(EvictionPlanner.plan(huge, 0, new CacheLimits(1000, 10, null), NOW))).containsExactly("huge");
	}

	@Test
	void oneLargeEntryEvictsSeveralSmallOnes() {
		List<EntryFile> entries = entries(8, 100);
		entries.add(entry("large", 400, NOW.plusSeconds(100)));
		List<EvictionPlanner.Eviction> plan = EvictionPlanner.plan(entries, 0, new CacheLimits(1000, 100, null), NOW);
		assertThat(names(plan)).containsExactly("e0", "e1", "e2");
	}

	@Test
	void limitsAreExceededAboveThemAndTrimmedToNinetyPercent() {
		CacheLimits limits = new CacheLimits(1000, 10, null);
		assertThat(EvictionPlanner.trimmedSize(limits)).isEqualTo(900);
		assertThat(EvictionPlanner.trimmedEntries(limits)).isEqualTo(9);
		assertThat(EvictionPlanner.trimmedEntries(CacheLimits.defaults())).isEqualTo(Long.MAX_VALUE);
		assertThat(EvictionPlanner.exceeded(limits, 10, 1000)).isFalse();
		assertThat(EvictionPlanner.exceeded(limits, 11, 1000)).isTrue();
		assertThat(EvictionPlanner.exceeded(limits, 10, 1001)).isTrue();
	}

	/**
	 * Entries {@code e0..e<count-1>} of one size, {@code e<i>} last used at
	 * {@code NOW - count + i} seconds.
	 */
	private static List<EntryFile> entries(int count, long size) {
		List<EntryFile> entries = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			entries.add(entry("e" + i, size, NOW.minusSeconds(count - i)));
		}
		return entries;
	}

	private static EntryFile entry(String name, long size, Instant lastAccess) {
		return new EntryFile(Path.of(name), "", size, lastAccess);
	}

	private static List<String> names(List<EvictionPlanner.Eviction> plan) {
		return plan.stream().map((eviction) -> eviction.entry().path().getFileName().toString()).toList();
	}

}
