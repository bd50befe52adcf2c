package io.github.chicorycache.redis;

import java.security.KeyPair;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Ed25519 keys read back from PEM and bare Base64; errors never echo a private key.
 */
class Ed25519KeysTests {

	private final KeyPair pair = Ed25519Keys.generate();

	@Test
	void readsPemBack() {
		String publicPem = Ed25519Keys.pem(this.pair.getPublic());
		String privatePem = Ed25519Keys.pem(this.pair.getPrivate());
		assertThat(publicPem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
		assertThat(privatePem).startsWith("-----BEGIN PRIVATE KEY-----\n");
		assertThat(Ed25519Keys.publicKey(publicPem)).isEqualTo(this.pair.getPublic());
		assertThat(Ed25519Keys.privateKey(privatePem).getEncoded()).isEqualTo(this.pair.getPrivate().getEncoded());
	}

	@Test
	void readsBareBase64() {
		String encoded = Base64.getEncoder().encodeToString(this.pair.getPublic().getEncoded());
		assertThat(Ed25519Keys.publicKey(encoded)).isEqualTo(this.pair.getPublic());
	}

	@Test
	void refusesOtherTextWithoutEchoingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> Ed25519Keys.publicKey("not a key"))
			.withMessageContaining("Ed25519 public key");
		assertThatIllegalArgumentException().isThrownBy(() -> Ed25519Keys.privateKey("c2VjcmV0IHNlY3JldA=="))
			.withMessageNotContaining("c2VjcmV0")
			.withNoCause();
	}

}
