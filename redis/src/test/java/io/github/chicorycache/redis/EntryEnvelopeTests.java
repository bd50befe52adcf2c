package io.github.chicorycache.redis;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The signed envelope: what one key seals, the same key (or a keyring that still accepts
 * it) opens; every kind of tampering is refused with a reason.
 */
class EntryEnvelopeTests {

	static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

	private static final String NAMESPACE = "chicory-1.7.5-0123456789abcdef";

	private static final String KEY = "sha-256:KRgyDvmJ5ChCTbsOjC6ntVJ1wEUEKCCBQqu5Tn8aW+w=";

	private static final byte[] PAYLOAD = "a compiled module's jar".getBytes(StandardCharsets.UTF_8);

	private final Keyring keyring = Keyring.of(SECRET, List.of(), List.of(), null);

	@Test
	void opensWhatItSealed() throws Exception {
		byte[] envelope = seal(this.keyring);
		assertThat(EntryEnvelope.open(this.keyring, NAMESPACE, KEY, envelope)).isEqualTo(PAYLOAD);
		assertThat(envelope.length)
			.isLessThanOrEqualTo((int) EntryEnvelope.size(this.keyring.signer(), NAMESPACE, KEY, PAYLOAD.length));
	}

	@Test
	void opensAnEmptyPayload() throws Exception {
		byte[] envelope = EntryEnvelope.seal(this.keyring.signer(), NAMESPACE, KEY, new byte[0]);
		assertThat(EntryEnvelope.open(this.keyring, NAMESPACE, KEY, envelope)).isEmpty();
	}

	@Test
	void refusesUnsignedBytes() {
		assertRejected(PAYLOAD, "not a signed entry");
		assertRejected(new byte[0], "not a signed entry");
		assertRejected(new byte[] { 'C', 'C' }, "not a signed entry");
	}

	@Test
	void refusesAnEntryMovedToAnotherKeyOrNamespace() {
		byte[] envelope = seal(this.keyring);
		assertThatExceptionOfType(EntryEnvelope.RejectedEntryException.class)
			.isThrownBy(() -> EntryEnvelope.open(this.keyring, NAMESPACE, "sha-256:other", envelope))
			.withMessageContaining("moved");
		assertThatExceptionOfType(EntryEnvelope.RejectedEntryException.class)
			.isThrownBy(() -> EntryEnvelope.open(this.keyring, "chicory-1.7.5-other", KEY, envelope))
			.withMessageContaining("moved");
	}

	@Test
	void refusesAnAlteredPayload() {
		byte[] envelope = seal(this.keyring);
		envelope[envelope.length - 1] ^= 1;
		assertRejected(envelope, "altered");
	}

	@Test
	void refusesAnAlteredHeaderEvenWithAConsistentHash() {
		byte[] envelope = seal(this.keyring);
		// rewrite the namespace in place: the signature covers it
		int at = indexOf(envelope, NAMESPACE.getBytes(StandardCharsets.UTF_8));
		envelope[at + NAMESPACE.length() - 1] = 'X';
		assertThatExceptionOfType(EntryEnvelope.RejectedEntryException.class)
			.isThrownBy(() -> EntryEnvelope.open(this.keyring, NAMESPACE.substring(0, NAMESPACE.length() - 1) + "X",
					KEY, envelope))
			.withMessageContaining("signature");
	}

	@Test
	void refusesAnAlteredSignature() {
		byte[] envelope = seal(this.keyring);
		int signatureStart = envelope.length - PAYLOAD.length - 32;
		envelope[signatureStart] ^= 1;
		assertRejected(envelope, "signature");
	}

	@Test
	void refusesATruncatedOrExtendedEntry() {
		byte[] envelope = seal(this.keyring);
		assertRejected(Arrays.copyOf(envelope, envelope.length - 1), "truncated");
		assertRejected(Arrays.copyOf(envelope, envelope.length + 1), "truncated");
		assertRejected(Arrays.copyOf(envelope, 20), "truncated");
	}

	@Test
	void refusesAnEntrySignedWithAnotherSecret() {
		Keyring other = Keyring.of(OTHER_SECRET, List.of(), List.of(), null);
		assertRejected(seal(other), "unknown key");
	}

	@Test
	void refusesAnUnknownVersion() {
		byte[] envelope = seal(this.keyring);
		envelope[4] = 9;
		assertRejected(envelope, "version 9");
	}

	@Test
	void aPreviousSecretStillVerifiesDuringARotation() throws Exception {
		Keyring old = Keyring.of(OTHER_SECRET, List.of(), List.of(), null);
		Keyring rotated = Keyring.of(SECRET, List.of(OTHER_SECRET), List.of(), null);
		assertThat(EntryEnvelope.open(rotated, NAMESPACE, KEY, seal(old))).isEqualTo(PAYLOAD);
		assertThat(EntryEnvelope.open(rotated, NAMESPACE, KEY, seal(rotated))).isEqualTo(PAYLOAD);
		assertThat(rotated.signer().keyId()).isEqualTo(this.keyring.signer().keyId());
	}

	@Test
	void ed25519PublicKeyVerifiesWhatThePrivateKeySigned() throws Exception {
		KeyPair pair = Ed25519Keys.generate();
		Keyring publisher = Keyring.of(null, List.of(), List.of(pair.getPublic()), pair.getPrivate());
		Keyring verifier = Keyring.of(null, List.of(), List.of(pair.getPublic()), null);
		assertThat(verifier.signer()).isNull();
		byte[] envelope = seal(publisher);
		assertThat(EntryEnvelope.open(verifier, NAMESPACE, KEY, envelope)).isEqualTo(PAYLOAD);
		assertThat(EntryEnvelope.size(publisher.signer(), NAMESPACE, KEY, PAYLOAD.length))
			.isGreaterThanOrEqualTo(envelope.length);
	}

	@Test
	void aVerifierRefusesEntriesOfAnotherKeyPairOrOfASharedSecret() {
		KeyPair pair = Ed25519Keys.generate();
		KeyPair other = Ed25519Keys.generate();
		Keyring verifier = Keyring.of(null, List.of(), List.of(pair.getPublic()), null);
		Keyring forger = Keyring.of(null, List.of(), List.of(other.getPublic()), other.getPrivate());
		assertThatExceptionOfType(EntryEnvelope.RejectedEntryException.class)
			.isThrownBy(() -> EntryEnvelope.open(verifier, NAMESPACE, KEY, seal(forger)))
			.withMessageContaining("unknown key");
		assertThatExceptionOfType(EntryEnvelope.RejectedEntryException.class)
			.isThrownBy(() -> EntryEnvelope.open(verifier, NAMESPACE, KEY, seal(this.keyring)))
			.withMessageContaining("unknown key");
	}

	@Test
	void keyringRefusesWeakOrConflictingKeys() {
		KeyPair pair = Ed25519Keys.generate();
		assertThatIllegalArgumentException().isThrownBy(() -> Keyring.of(new byte[31], List.of(), List.of(), null))
			.withMessageContaining("at least 32 bytes");
		assertThatIllegalArgumentException().isThrownBy(() -> Keyring.of(SECRET, List.of(new byte[8]), List.of(), null))
			.withMessageContaining("at least 32 bytes");
		assertThatIllegalArgumentException().isThrownBy(() -> Keyring.of(null, List.of(), List.of(), null))
			.withMessageContaining("required");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Keyring.of(SECRET, List.of(), List.of(pair.getPublic()), pair.getPrivate()))
			.withMessageContaining("not both");
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> Keyring.of(null, List.of(), List.of(Ed25519Keys.generate().getPublic()), pair.getPrivate()))
			.withMessageContaining("public key");
	}

	@Test
	void keyIdsNameTheKeyNotTheSecret() {
		String id = this.keyring.signer().keyId();
		assertThat(id).startsWith("hmac-").hasSize(5 + 16);
		assertThat(new String(seal(this.keyring), StandardCharsets.ISO_8859_1))
			.doesNotContain(new String(SECRET, StandardCharsets.ISO_8859_1));
		assertThat(Keyring.of(OTHER_SECRET, List.of(), List.of(), null).signer().keyId()).isNotEqualTo(id);
	}

	private static byte[] seal(Keyring keyring) {
		return EntryEnvelope.seal(keyring.signer(), NAMESPACE, KEY, PAYLOAD);
	}

	private void assertRejected(byte[] envelope, String reason) {
		assertThatExceptionOfType(EntryEnvelope.RejectedEntryException.class)
			.isThrownBy(() -> EntryEnvelope.open(this.keyring, NAMESPACE, KEY, envelope))
			.withMessageContaining(reason);
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		throw new AssertionError("not found");
	}

}
