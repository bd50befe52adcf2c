package io.github.chicorycache.compiler;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of {@link SingleFlight}, without a compiler around it.
 */
class SingleFlightTests {

	private final SingleFlight<String> flights = new SingleFlight<>();

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void theFirstCallerLeadsAndLaterCallersFollowUntilTheFlightEnds() {
		SingleFlight.Flight<String> leader = this.flights.begin("a");
		SingleFlight.Flight<String> follower = this.flights.begin("a");
		SingleFlight.Flight<String> other = this.flights.begin("b");
		assertThat(leader.leader()).isTrue();
		assertThat(follower.leader()).isFalse();
		assertThat(other.leader()).isTrue();
		assertThat(this.flights.size()).isEqualTo(2);
		leader.complete("result");
		assertThat(follower.await()).isEqualTo("result");
		assertThat(this.flights.begin("a").leader()).as("a new flight after the end").isTrue();
	}

	@Test
	void aFollowerWaitsForTheResult() throws Exception {
		SingleFlight.Flight<String> leader = this.flights.begin("a");
		CompletableFuture<Void> followerStarted = new CompletableFuture<>();
		Future<String> follower = this.executor.submit(() -> {
			SingleFlight.Flight<String> flight = this.flights.begin("a");
			followerStarted.complete(null);
			return flight.await();
		});
		followerStarted.join();
		leader.complete("late");
		assertThat(follower.get()).isEqualTo("late");
	}

	@Test
	void followersGetTheLeadersExceptionAndError() {
		SingleFlight.Flight<String> leader = this.flights.begin("a");
		SingleFlight.Flight<String> follower = this.flights.begin("a");
		IllegalStateException failure = new IllegalStateException("boom");
		leader.fail(failure);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(follower::await).isSameAs(failure);

		SingleFlight.Flight<String> second = this.flights.begin("b");
		SingleFlight.Flight<String> secondFollower = this.flights.begin("b");
		second.fail(new OutOfMemoryError("simulated"));
		assertThatExceptionOfType(OutOfMemoryError.class).isThrownBy(secondFollower::await);
	}

	@Test
	void aFollowerThatWaitedLongEnoughTakesOverAndLaterCallersFollowIt() {
		SingleFlight.Flight<String> stuck = this.flights.begin("a");
		SingleFlight.Flight<String> waiter = this.flights.begin("a");
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> waiter.await(Duration.ofMillis(1)));
		SingleFlight.Flight<String> takenOver = this.flights.takeOver(waiter);
		assertThat(takenOver.leader()).isTrue();
		SingleFlight.Flight<String> later = this.flights.begin("a");
		assertThat(later.leader()).isFalse();
		takenOver.complete("fresh");
		assertThat(later.await()).isEqualTo("fresh");
		// the stuck leader ends later without disturbing anyone
		stuck.complete("late");
		assertThat(this.flights.size()).isZero();
	}

	@Test
	void takingOverAFlightThatFinishedMeanwhileGivesItsResult() throws TimeoutException {
		SingleFlight.Flight<String> leader = this.flights.begin("a");
		SingleFlight.Flight<String> waiter = this.flights.begin("a");
		leader.complete("done");
		SingleFlight.Flight<String> same = this.flights.takeOver(waiter);
		assertThat(same.leader()).isFalse();
		assertThat(same.await(Duration.ofMillis(1))).isEqualTo("done");
	}

	@Test
	void aFlightEndedWithoutResultReleasesItsFollowers() {
		SingleFlight.Flight<String> leader = this.flights.begin("a");
		SingleFlight.Flight<String> follower = this.flights.begin("a");
		leader.end();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(follower::await);
		assertThat(this.flights.size()).isZero();
	}

}
