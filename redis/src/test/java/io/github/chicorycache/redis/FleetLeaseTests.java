package io.github.chicorycache.redis;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.chicorycache.testsupport.Await;
import io.github.chicorycache.testsupport.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet lease between two instances on one Redis, step by step: the first to miss
 * leads, the second waits for its entry; a holder that gives up or never publishes delays
 * the others at most the wait time.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FleetLeaseTests {

	private static final String NAMESPACE = "chicory-test";

	private static final String KEY = "sha-256:bW9kdWxl";

	private static final byte[] PAYLOAD = { 1, 2, 3, 4 };

	@TempDir
	static Path serverDirectory;

	static RedisServerProcess server;

	@BeforeAll
	static void startRedis() {
		server = RedisServerProcess.start(serverDirectory);
	}

	@AfterAll
	static void stopRedis() {
		server.close();
	}

	@BeforeEach
	void flush() {
		server.command("FLUSHALL");
	}

	@Test
	void theFirstToMissLeadsAndTheSecondWaitsForItsEntry() throws Exception {
		try (RedisCacheTier leader = FleetNode.tier(server).build();
				RedisCacheTier follower = FleetNode.tier(server).build()) {
			assertThat(leader.entries().lookup(NAMESPACE, KEY)).as("a miss: the leader compiles").isNull();
			assertThat(server.keys("*")).containsExactly(leaseKey());

			CompletableFuture<byte[]> waiting = CompletableFuture
				.supplyAsync(() -> follower.entries().lookup(NAMESPACE, KEY));
			Await.await("the follower waiting", 30_000, () -> follower.stats().fleetWaits() == 1);
			assertThat(waiting).isNotDone();

			leader.entries().publish(NAMESPACE, KEY, PAYLOAD);
			assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(PAYLOAD);
			assertThat(follower.stats().fleetWaitHits()).isOne();
			assertThat(follower.stats().hits()).isOne();
			// the queue empties when the publish starts; the lease goes when it ends
			Await.await("the lease released after the publish", 30_000,
					() -> server.keys("*").equals(List.of(entryKey())));
			assertThat(server.keys("*")).as("the lease is released").containsExactly(entryKey());
		}
	}

	@Test
	void aRetryByTheLeaderDoesNotWaitForItself() {
		try (RedisCacheTier leader = FleetNode.tier(server).build()) {
			assertThat(leader.entries().lookup(NAMESPACE, KEY)).isNull();
			// The compilation failed, nothing was published; the caller tries again.
			assertThat(leader.entries().lookup(NAMESPACE, KEY)).isNull();
			assertThat(leader.stats().fleetWaits()).isZero();
			assertThat(leader.stats().misses()).isEqualTo(2);
		}
	}

	@Test
	void aHolderThatGivesUpReleasesTheWaiters() throws Exception {
		try (RedisCacheTier leader = FleetNode.tier(server).build();
				RedisCacheTier follower = FleetNode.tier(server).build()) {
			assertThat(leader.entries().lookup(NAMESPACE, KEY)).isNull();
			CompletableFuture<byte[]> waiting = CompletableFuture
				.supplyAsync(() -> follower.entries().lookup(NAMESPACE, KEY));
			Await.await("the follower waiting", 30_000, () -> follower.stats().fleetWaits() == 1);
			// The lease expires (its holder died) without an entry.
			server.command("DEL", leaseKey());
			assertThat(waiting.get(30, TimeUnit.SECONDS)).as("the follower compiles itself").isNull();
			assertThat(follower.stats().fleetWaitHits()).isZero();
			assertThat(follower.stats().misses()).isOne();
		}
	}

	@Test
	void aLeaderThatWillNotPublishReleasesTheWaitersAtOnce() throws Exception {
		try (RedisCacheTier leader = FleetNode.tier(server).build();
				RedisCacheTier follower = FleetNode.tier(server).build()) {
			assertThat(leader.entries().lookup(NAMESPACE, KEY)).isNull();
			CompletableFuture<byte[]> waiting = CompletableFuture
				.supplyAsync(() -> follower.entries().lookup(NAMESPACE, KEY));
			Await.await("the follower waiting", 30_000, () -> follower.stats().fleetWaits() == 1);
			// The leader's compilation failed, or its store was dropped.
			leader.entries().abandon(NAMESPACE, KEY);
			assertThat(waiting.get(30, TimeUnit.SECONDS)).as("the follower compiles itself").isNull();
			assertThat(server.keys("*")).as("the lease is released").isEmpty();
			assertThat(follower.stats().fleetWaitHits()).isZero();
		}
	}

	@Test
	void aWaitEndsAfterTheWaitTime() {
		try (RedisCacheTier leader = FleetNode.tier(server).build();
				RedisCacheTier follower = FleetNode.tier(server).withLeaseWait(Duration.ofMillis(200)).build()) {
			assertThat(leader.entries().lookup(NAMESPACE, KEY)).isNull();
			assertThat(follower.entries().lookup(NAMESPACE, KEY)).isNull();
			assertThat(follower.stats().fleetWaits()).isOne();
			assertThat(server.keys("*")).as("the leader still holds it").containsExactly(leaseKey());
		}
	}

	@Test
	void anEntryTooLargeToPublishReleasesTheLease() {
		try (RedisCacheTier leader = FleetNode.tier(server).withMaxEntrySize(64).build()) {
			assertThat(leader.entries().lookup(NAMESPACE, KEY)).isNull();
			leader.entries().publish(NAMESPACE, KEY, new byte[1024]);
			Await.await("the lease released", 30_000, () -> server.keys("*").isEmpty());
			assertThat(leader.stats().oversizedEntries()).isOne();
		}
	}

	@Test
	void aLeaseFoundAfterAMissIsCheckedForAnEntryPublishedMeanwhile() {
		try (RedisCacheTier late = FleetNode.tier(server).build()) {
			// The previous holder published and released between this instance's miss and
			// its lease: the second look finds the entry.
			try (RedisCacheTier publisher = FleetNode.tier(server).build()) {
				publisher.entries().publish(NAMESPACE, KEY, PAYLOAD);
				Await.await("publishes", 30_000, publisher::isPublishQueueEmpty);
			}
			assertThat(late.entries().lookup(NAMESPACE, KEY)).isEqualTo(PAYLOAD);
			assertThat(server.keys("*")).containsExactly(entryKey());
		}
	}

	@Test
	void aVerifyOnlyInstanceWaitsForALeaseButNeverTakesOne() throws Exception {
		KeyPair pair = Ed25519Keys.generate();
		try (RedisCacheTier publisher = RedisCacheTier.builder(server.host(), server.port())
			.withPublicKeys(List.of(pair.getPublic()))
			.withPrivateKey(pair.getPrivate())
			.build();
				RedisCacheTier verifier = RedisCacheTier.builder(server.host(), server.port())
					.withPublicKeys(List.of(pair.getPublic()))
					.withLeaseWait(Duration.ofSeconds(60))
					.build()) {
			assertThat(verifier.entries().lookup(NAMESPACE, KEY)).isNull();
			assertThat(server.keys("*")).as("no lease without a publisher").isEmpty();
			assertThat(verifier.stats().fleetWaits()).isZero();

			assertThat(publisher.entries().lookup(NAMESPACE, KEY)).isNull();
			CompletableFuture<byte[]> waiting = CompletableFuture
				.supplyAsync(() -> verifier.entries().lookup(NAMESPACE, KEY));
			Await.await("the verifier waiting", 30_000, () -> verifier.stats().fleetWaits() == 1);
			publisher.entries().publish(NAMESPACE, KEY, PAYLOAD);
			assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(PAYLOAD);
		}
	}

	private static String entryKey() {
		return RedisCacheTier.DEFAULT_KEY_PREFIX + NAMESPACE + ":" + KEY;
	}

	private static String leaseKey() {
		return entryKey() + ":lease";
	}

}
