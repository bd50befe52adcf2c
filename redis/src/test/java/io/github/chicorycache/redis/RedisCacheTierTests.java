package io.github.chicorycache.redis;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.testsupport.Await;
import io.github.chicorycache.testsupport.RedisServerProcess;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tier on a real Redis: what one instance compiles, another loads (and keeps
 * locally); keys, time to live, size limit, removal, the publish queue and the
 * statistics.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisCacheTierTests {

	@TempDir
	static Path serverDirectory;

	static RedisServerProcess server;

	@TempDir
	Path temp;

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
	void whatOneInstanceCompilesAnotherLoadsAndKeepsLocally() {
		try (FleetNode a = node("a"); FleetNode b = node("b")) {
			assertThat(a.compileAndRun(1)).isEqualTo(CompilationSource.COMPILER);
			a.awaitPublished();
			assertThat(a.tier.stats().puts()).isOne();
			assertThat(b.compileAndRun(1)).isEqualTo(CompilationSource.REMOTE);
			assertThat(b.local.stats().puts()).as("copied into b's directory").isOne();
			assertThat(b.tier.stats().hits()).isOne();
			assertThat(b.compiler.stats().compilations(CompilationSource.REMOTE)).isOne();
			assertThat(b.tier.stats().faults()).isZero();
			assertThat(a.tier.stats().faults()).isZero();
		}
		try (FleetNode b = node("b")) {
			assertThat(b.compileAndRun(1)).as("the copy serves b's next start").isEqualTo(CompilationSource.DISK);
			assertThat(b.tier.stats().hits() + b.tier.stats().misses()).isZero();
		}
	}

	@Test
	void keysAreNamespacedUnderThePrefixAndLiveForTheTtl() {
		try (FleetNode a = new FleetNode(this.temp.resolve("a"),
				FleetNode.tier(server).withKeyPrefix("fleet-7:").withTtl(Duration.ofHours(1)).build())) {
			a.compileAndRun(2);
			a.awaitPublished();
			String key = "fleet-7:" + a.namespace() + ":" + FleetNode.module(2).digest();
			assertThat(server.keys("*")).containsExactly(key);
			assertThat((Long) server.command("PTTL", key)).isPositive().isLessThanOrEqualTo(3_600_000L);
		}
	}

	@Test
	void aHitRenewsTheTimeToLive() {
		try (FleetNode a = node("a"); FleetNode b = node("b")) {
			a.compileAndRun(3);
			a.awaitPublished();
			String key = RedisCacheTier.DEFAULT_KEY_PREFIX + a.namespace() + ":" + FleetNode.module(3).digest();
			server.command("PEXPIRE", key, "60000");
			assertThat(b.compileAndRun(3)).isEqualTo(CompilationSource.REMOTE);
			assertThat((Long) server.command("PTTL", key)).isGreaterThan(60_000L);
		}
	}

	@Test
	void anEntryLargerThanTheMaximumStaysLocal() {
		try (FleetNode a = new FleetNode(this.temp.resolve("a"),
				FleetNode.tier(server).withMaxEntrySize(512).build())) {
			assertThat(a.compileAndRun(4)).isEqualTo(CompilationSource.COMPILER);
			a.awaitPublished();
			assertThat(a.tier.stats().oversizedEntries()).isOne();
			assertThat(a.tier.stats().puts()).isZero();
			// the lease is released by an asynchronous command: wait for it
			Await.await("no entry and no lease left behind", 30_000, () -> server.keys("*").isEmpty());
			assertThat(a.local.stats().puts()).isOne();
		}
	}

	@Test
	void evictAndClearApplyToBothTiersAndOnlyToTheTiersKeys() {
		server.command("SET", "someone-else:key", "kept");
		try (FleetNode a = node("a")) {
			a.compileAndRun(5);
			a.compileAndRun(6);
			a.awaitPublished();
			assertThat(server.keys(RedisCacheTier.DEFAULT_KEY_PREFIX + "*")).hasSize(2);
			assertThat(a.compiler.evict(FleetNode.module(5).digest())).isTrue();
			assertThat(server.keys(RedisCacheTier.DEFAULT_KEY_PREFIX + "*")).hasSize(1);
			assertThat(a.local.entries()).hasSize(1);
			assertThat(a.compiler.clear()).isEqualTo(2);
			assertThat(server.keys("*")).containsExactly("someone-else:key");
			assertThat(a.local.entries()).isEmpty();
		}
	}

	@Test
	void aVerifyOnlyInstanceNeverWrites() {
		KeyPair pair = Ed25519Keys.generate();
		RedisCacheTier verifier = RedisCacheTier.builder(server.host(), server.port())
			.withPublicKeys(List.of(pair.getPublic()))
			.build();
		try (FleetNode v = new FleetNode(this.temp.resolve("v"), verifier)) {
			assertThat(verifier.isPublishing()).isFalse();
			assertThat(v.compileAndRun(7)).isEqualTo(CompilationSource.COMPILER);
			v.awaitPublished();
			assertThat(v.compiler.evict(FleetNode.module(7).digest())).as("the local entry").isTrue();
			assertThat(server.keys("*")).isEmpty();
			assertThat(verifier.stats().puts()).isZero();
			assertThat(verifier.stats().publishing()).isFalse();
			assertThat(verifier.stats().misses()).isOne();
		}
	}

	@Test
	void publishesBeyondTheQueueAreDroppedAndCounted() {
		// Writes wait while clients are paused: the first publish blocks the publisher
		// thread, the second waits in the queue of one, the third finds it full.
		try (RedisCacheTier tier = FleetNode.tier(server).withPublishQueueSize(1).build()) {
			server.command("CLIENT", "PAUSE", "20000", "WRITE");
			try {
				RemoteEntries entries = tier.entries();
				entries.publish("ns", "k1", new byte[] { 1 });
				entries.publish("ns", "k2", new byte[] { 2 });
				entries.publish("ns", "k3", new byte[] { 3 });
				assertThat(tier.stats().droppedPublishes()).isOne();
			}
			finally {
				server.command("CLIENT", "UNPAUSE");
			}
			io.github.chicorycache.testsupport.Await.await("queued publishes", 30_000, tier::isPublishQueueEmpty);
			assertThat(tier.stats().puts()).isEqualTo(2);
			assertThat(server.keys("*")).containsExactlyInAnyOrder(RedisCacheTier.DEFAULT_KEY_PREFIX + "ns:k1",
					RedisCacheTier.DEFAULT_KEY_PREFIX + "ns:k2");
		}
	}

	@Test
	void statisticsNameTheEndpointWithoutCredentials() {
		RedisURI uri = RedisURI.builder()
			.withHost(server.host())
			.withPort(server.port())
			.withAuthentication("someone", "pass-word-1")
			.withDatabase(3)
			.build();
		try (RedisCacheTier tier = RedisCacheTier.builder(uri).withSecret(FleetNode.SECRET).build()) {
			assertThat(tier.endpoint()).isEqualTo("redis://127.0.0.1:" + server.port() + "/3");
			assertThat(tier.stats().endpoint()).isEqualTo(tier.endpoint());
			assertThat(tier.toString()).doesNotContain("pass-word-1").doesNotContain("someone");
			assertThat(tier.stats().breakerState()).isEqualTo(BreakerState.CLOSED);
		}
	}

	private FleetNode node(String name) {
		return new FleetNode(this.temp.resolve(name), FleetNode.tier(server).build());
	}

}
