package io.github.chicorycache.redis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.testsupport.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever can write to Redis can try to make the fleet run their code. Every kind of
 * forged or damaged entry is refused (counted as rejected and as a fault), deleted by an
 * instance that may write, compiled afresh, and replaced by a valid entry; an instance
 * that only verifies leaves it in place. Secret rotation keeps old entries usable.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TamperingTests {

	static final byte[] OTHER_SECRET = "another secret of at least 32 bytes".getBytes(StandardCharsets.UTF_8);

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

	enum Tampering {

		/** The bound JAR alone, as a plain cache would store it. */
		UNSIGNED((entry) -> entry.payload()),

		/** Bytes that are no entry at all. */
		GARBAGE((entry) -> "#!/bin/sh\nrm -rf /\n".getBytes(StandardCharsets.UTF_8)),

		/** An empty value. */
		EMPTY((entry) -> new byte[0]),

		/** The first half of the entry. */
		TRUNCATED((entry) -> Arrays.copyOf(entry.envelope(), entry.envelope().length / 2)),

		/** One byte of the payload flipped. */
		ALTERED_PAYLOAD((entry) -> flip(entry.envelope(), entry.envelope().length - 10)),

		/** One byte of the signed header flipped (in the key id). */
		ALTERED_HEADER((entry) -> flip(entry.envelope(), 8)),

		/** The payload signed with a secret the fleet does not hold. */
		OTHER_SECRET((entry) -> EntryEnvelope.seal(
				Keyring.of(TamperingTests.OTHER_SECRET, List.of(), List.of(), null).signer(), entry.namespace(),
				entry.key(), entry.payload())),

		/** The payload signed with an Ed25519 key the fleet does not accept. */
		OTHER_KEY_PAIR((entry) -> {
			KeyPair pair = Ed25519Keys.generate();
			return EntryEnvelope.seal(
					Keyring.of(null, List.of(), List.of(pair.getPublic()), pair.getPrivate()).signer(),
					entry.namespace(), entry.key(), entry.payload());
		}),

		/** A valid entry of another module copied under this module's key. */
		MOVED((entry) -> EntryEnvelope.seal(Keyring.of(FleetNode.SECRET, List.of(), List.of(), null).signer(),
				entry.namespace(), "sha-256:AnotherModuleDigestAAAAAAAAAAAAAAAAAAAAAAAAA=", entry.payload()));

		private final UnaryOperator<StoredEntry> forge;

		Tampering(java.util.function.Function<StoredEntry, byte[]> forge) {
			this.forge = (entry) -> new StoredEntry(entry.namespace(), entry.key(), forge.apply(entry),
					entry.payload());
		}

		byte[] apply(StoredEntry entry) {
			return this.forge.apply(entry).envelope();
		}

		private static byte[] flip(byte[] bytes, int index) {
			byte[] copy = bytes.clone();
			copy[index] ^= 0x20;
			return copy;
		}

	}

	@ParameterizedTest
	@EnumSource(Tampering.class)
	void aTamperedEntryIsRefusedDeletedCompiledAfreshAndReplaced(Tampering tampering) {
		try (FleetNode a = node("a"); FleetNode b = node("b"); FleetNode c = node("c")) {
			StoredEntry entry = publish(a, 11);
			server.command("SET", entry.redisKey(), tampering.apply(entry));

			assertThat(b.compileAndRun(11)).isEqualTo(CompilationSource.COMPILER);
			RemoteCacheStats stats = b.tier.stats();
			assertThat(stats.rejected()).isOne();
			assertThat(stats.hits()).isZero();
			assertThat(stats.lastFault()).isNotNull()
				.satisfies((fault) -> assertThat(fault.kind()).isEqualTo(CacheFault.Kind.CORRUPT));
			assertThat(b.compiler.stats().compilations(CompilationSource.REMOTE)).isZero();

			b.awaitPublished();
			assertThat(b.tier.stats().puts()).as("b replaced the deleted entry").isOne();
			assertThat(server.get(entry.redisKey())).isNotEqualTo(tampering.apply(entry));
			assertThat(c.compileAndRun(11)).isEqualTo(CompilationSource.REMOTE);
			assertThat(c.tier.stats().rejected()).isZero();
		}
	}

	@Test
	void anOversizedValueIsNotReadWhole() {
		RedisCacheTier tier = FleetNode.tier(server).withMaxEntrySize(1024 * 1024).build();
		try (FleetNode a = node("a"); FleetNode b = new FleetNode(this.temp.resolve("b"), tier)) {
			StoredEntry entry = publish(a, 14);
			server.command("SET", entry.redisKey(), new byte[16 * 1024 * 1024]);
			long before = netOutputBytes();
			assertThat(b.compileAndRun(14)).isEqualTo(CompilationSource.COMPILER);
			assertThat(tier.stats().rejected()).isOne();
			assertThat(netOutputBytes() - before).as("bytes Redis sent").isLessThan(4L * 1024 * 1024);
		}
	}

	private static long netOutputBytes() {
		String info = new String((byte[]) server.command("INFO", "stats"), StandardCharsets.UTF_8);
		for (String line : info.split("\r\n")) {
			if (line.startsWith("total_net_output_bytes:")) {
				return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
			}
		}
		throw new AssertionError(info);
	}

	@Test
	void aVerifyOnlyInstanceRefusesAForgedEntryAndLeavesItInPlace() {
		KeyPair pair = Ed25519Keys.generate();
		RedisCacheTier verifier = RedisCacheTier.builder(server.host(), server.port())
			.withPublicKeys(List.of(pair.getPublic()))
			.build();
		try (FleetNode a = node("a"); FleetNode v = new FleetNode(this.temp.resolve("v"), verifier)) {
			StoredEntry entry = publish(a, 12);
			assertThat(v.compileAndRun(12)).as("signed with the shared secret, not the publisher's key")
				.isEqualTo(CompilationSource.COMPILER);
			assertThat(verifier.stats().rejected()).isOne();
			assertThat(server.get(entry.redisKey())).isEqualTo(entry.envelope());
		}
	}

	@Test
	void afterARotationEntriesOfThePreviousSecretStillLoad() {
		RedisCacheTier rotated = FleetNode.tier(server)
			.withSecret(OTHER_SECRET)
			.withPreviousSecrets(List.of(FleetNode.SECRET))
			.build();
		RedisCacheTier retired = FleetNode.tier(server).withSecret(OTHER_SECRET).build();
		try (FleetNode a = node("a");
				FleetNode r = new FleetNode(this.temp.resolve("r"), rotated);
				FleetNode n = new FleetNode(this.temp.resolve("n"), retired)) {
			publish(a, 13);
			assertThat(r.compileAndRun(13)).isEqualTo(CompilationSource.REMOTE);
			assertThat(n.compileAndRun(13)).as("once the previous secret is dropped")
				.isEqualTo(CompilationSource.COMPILER);
			assertThat(n.tier.stats().rejected()).isOne();
		}
	}

	private StoredEntry publish(FleetNode node, int seed) {
		assertThat(node.compileAndRun(seed)).isEqualTo(CompilationSource.COMPILER);
		node.awaitPublished();
		String namespace = node.namespace();
		String key = FleetNode.module(seed).digest();
		String redisKey = RedisCacheTier.DEFAULT_KEY_PREFIX + namespace + ":" + key;
		byte[] envelope = server.get(redisKey);
		assertThat(envelope).isNotNull();
		try {
			byte[] payload = EntryEnvelope.open(Keyring.of(FleetNode.SECRET, List.of(), List.of(), null), namespace,
					key, envelope);
			return new StoredEntry(namespace, key, envelope, payload);
		}
		catch (EntryEnvelope.RejectedEntryException ex) {
			throw new AssertionError(ex);
		}
	}

	private FleetNode node(String name) {
		return new FleetNode(this.temp.resolve(name), FleetNode.tier(server).build());
	}

	record StoredEntry(String namespace, String key, byte[] envelope, byte[] payload) {

		String redisKey() {
			return RedisCacheTier.DEFAULT_KEY_PREFIX + this.namespace + ":" + this.key;
		}

	}

}
