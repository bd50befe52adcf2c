package io.github.chicorycache;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link CacheLimits} and the limit options of {@link DirectoryCache.Builder}.
 */
class CacheLimitsTests {

	@Test
	void defaultsAreOneGibibyteAndNoOtherLimit() {
		CacheLimits limits = CacheLimits.defaults();
		assertThat(limits.maxSizeBytes()).isEqualTo(1024L * 1024 * 1024);
		assertThat(limits.maxEntries()).isEqualTo(Long.MAX_VALUE);
		assertThat(limits.maxAge()).isNull();
	}

	@Test
	void invalidLimitsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CacheLimits(0, 1, null))
			.withMessageContaining("maxSizeBytes");
		assertThatIllegalArgumentException().isThrownBy(() -> new CacheLimits(1, 0, null))
			.withMessageContaining("maxEntries");
		assertThatIllegalArgumentException().isThrownBy(() -> new CacheLimits(1, 1, Duration.ZERO))
			.withMessageContaining("maxAge");
		assertThatIllegalArgumentException().isThrownBy(() -> new CacheLimits(1, 1, Duration.ofSeconds(-1)))
			.withMessageContaining("maxAge");
	}

	@Test
	void builderOptionsAreValidated() {
		DirectoryCache.Builder builder = DirectoryCache.builder(Path.of("cache"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.withMaxSizeBytes(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.withMaxEntries(0));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.withMaxAge(Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.withTempFileMaxAge(Duration.ofSeconds(-1)))
			.withMessageContaining("tempFileMaxAge");
	}

	@Test
	void builderCombinesLimits() {
		CacheLimits limits = new CacheLimits(500, 5, Duration.ofDays(1));
		DirectoryCache.Builder builder = DirectoryCache.builder(Path.of("cache"))
			.withLimits(limits)
			.withMaxEntries(7)
			.withMaxAge(null);
		try (DirectoryCache cache = builder.withReadOnly(true).withExecutor(CacheFixtures.DIRECT).build()) {
			assertThat(cache.limits()).isEqualTo(new CacheLimits(500, 7, null));
		}
	}

}
