package io.github.chicorycache.redis;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.testsupport.RedisServerProcess;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production set-up of the README: a publisher (a CI or warm-up job) holds the
 * Ed25519 private key and logs in with a user that may write the tier's keys; the
 * instances hold the public key only and log in with a read-only user. They load what the
 * publisher signed, refuse what anyone else wrote, and never issue a command their user
 * is denied (Redis' {@code ACL LOG} stays empty).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AclTests {

	static final String PUBLISHER_ACL = "on >publisher-password-1 resetkeys ~chicory-cache:* resetchannels -@all "
			+ "+get +getrange +pexpire +set +exists +unlink +del +eval +scan +ping +hello";

	static final String READER_ACL = "on >reader-password-1 resetkeys %R~chicory-cache:* resetchannels -@all "
			+ "+getrange +exists +ping +hello";

	@TempDir
	Path temp;

	@Test
	void aReadOnlyVerifierLoadsWhatThePublisherSignedAndNeverWrites() {
		KeyPair pair = Ed25519Keys.generate();
		try (RedisServerProcess server = RedisServerProcess.start(this.temp.resolve("redis"))) {
			server.command(acl("publisher", PUBLISHER_ACL));
			server.command(acl("reader", READER_ACL));
			RedisCacheTier publisherTier = RedisCacheTier.builder(uri(server, "publisher", "publisher-password-1"))
				.withPublicKeys(List.of(pair.getPublic()))
				.withPrivateKey(pair.getPrivate())
				.build();
			RedisCacheTier readerTier = RedisCacheTier.builder(uri(server, "reader", "reader-password-1"))
				.withPublicKeys(List.of(pair.getPublic()))
				.build();
			try (FleetNode publisher = new FleetNode(this.temp.resolve("publisher"), publisherTier);
					FleetNode reader = new FleetNode(this.temp.resolve("reader"), readerTier)) {
				assertThat(publisher.compileAndRun(51)).isEqualTo(CompilationSource.COMPILER);
				publisher.awaitPublished();
				assertThat(publisherTier.stats().puts()).isOne();

				assertThat(reader.compileAndRun(51)).isEqualTo(CompilationSource.REMOTE);
				assertThat(reader.compileAndRun(52)).as("not published: compiled, and not published either")
					.isEqualTo(CompilationSource.COMPILER);
				reader.awaitPublished();
				assertThat(reader.compiler.evict(FleetNode.module(51).digest())).as("the local copy").isTrue();

				// a forged entry, written by someone with write access but not the key
				String forgedKey = "chicory-cache:" + reader.namespace() + ":" + FleetNode.module(53).digest();
				server.command("SET", forgedKey,
						EntryEnvelope.seal(Keyring.of(FleetNode.SECRET, List.of(), List.of(), null).signer(),
								reader.namespace(), FleetNode.module(53).digest(), new byte[] { 1, 2, 3 }));
				assertThat(reader.compileAndRun(53)).isEqualTo(CompilationSource.COMPILER);
				assertThat(readerTier.stats().rejected()).isOne();
				assertThat(server.get(forgedKey)).as("left in place by a verifier").isNotNull();

				assertThat(readerTier.stats().faults()).as("only the refused entry").isOne();
				assertThat(publisherTier.stats().faults()).as(String.valueOf(publisherTier.stats().lastFault()))
					.isZero();
				assertThat((List<?>) server.command("ACL", "LOG")).as("no command was denied").isEmpty();
			}
		}
	}

	@Test
	void theReadOnlyUserCannotWriteWhatTheVerifierWouldNotWriteAnyway() {
		try (RedisServerProcess server = RedisServerProcess.start(this.temp.resolve("redis"))) {
			server.command(acl("reader", READER_ACL));
			KeyPair pair = Ed25519Keys.generate();
			// Misconfigured: a publisher logged in as the read-only user fails open.
			RedisCacheTier misconfigured = RedisCacheTier.builder(uri(server, "reader", "reader-password-1"))
				.withPublicKeys(List.of(pair.getPublic()))
				.withPrivateKey(pair.getPrivate())
				.build();
			try (FleetNode node = new FleetNode(this.temp.resolve("node"), misconfigured)) {
				assertThat(node.compileAndRun(54)).isEqualTo(CompilationSource.COMPILER);
				node.awaitPublished();
				assertThat(misconfigured.stats().puts()).isZero();
				assertThat(misconfigured.stats().lastFault().message()).contains("NOPERM");
				assertThat(server.keys("*")).isEmpty();
			}
		}
	}

	private static Object[] acl(String user, String rules) {
		List<String> command = new java.util.ArrayList<>(List.of("ACL", "SETUSER", user));
		command.addAll(List.of(rules.split(" ")));
		return command.toArray();
	}

	private static RedisURI uri(RedisServerProcess server, String user, String password) {
		return RedisURI.builder()
			.withHost(server.host())
			.withPort(server.port())
			.withAuthentication(user, password)
			.build();
	}

}
