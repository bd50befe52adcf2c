package io.github.chicorycache.autoconfigure.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link SharedSnapshot}.
 */
class SharedSnapshotTests {

	private final AtomicInteger taken = new AtomicInteger();

	private final AtomicLong nanoTime = new AtomicLong(42);

	private final SharedSnapshot<Integer> snapshot = new SharedSnapshot<>(this.taken::incrementAndGet,
			this.nanoTime::get, Duration.ofSeconds(1));

	@Test
	void readersShareOneSnapshotUntilOneOfThemReadsAgain() {
		Supplier<Integer> first = this.snapshot.reader();
		Supplier<Integer> second = this.snapshot.reader();
		Supplier<Integer> third = this.snapshot.reader();
		assertThat(first.get()).isOne();
		assertThat(second.get()).isOne();
		assertThat(third.get()).isOne();
		assertThat(second.get()).isEqualTo(2);
		assertThat(first.get()).isEqualTo(2);
		assertThat(first.get()).isEqualTo(3);
	}

	@Test
	void snapshotExpiresAfterTheMaximumAge() {
		Supplier<Integer> first = this.snapshot.reader();
		Supplier<Integer> second = this.snapshot.reader();
		assertThat(first.get()).isOne();
		this.nanoTime.addAndGet(Duration.ofMillis(999).toNanos());
		assertThat(second.get()).isOne();
		Supplier<Integer> third = this.snapshot.reader();
		this.nanoTime.addAndGet(Duration.ofMillis(1).toNanos());
		assertThat(third.get()).isEqualTo(2);
	}

	@Test
	void nothingIsTakenBeforeTheFirstRead() {
		this.snapshot.reader();
		assertThat(this.taken).hasValue(0);
	}

	@Test
	void atMostSixtyFourReaders() {
		IntStream.range(0, 64).forEach((i) -> this.snapshot.reader());
		assertThatIllegalStateException().isThrownBy(this.snapshot::reader);
	}

}
