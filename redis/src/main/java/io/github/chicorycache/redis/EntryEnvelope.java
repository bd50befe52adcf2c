package io.github.chicorycache.redis;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The signed form of an entry in Redis:
 *
 * <pre>
 * "CCRE" | version | algorithm | key id | namespace | key | payload length | SHA-256(payload)
 *        | signature length | signature | payload
 * </pre>
 *
 * The signature covers everything before it, so it binds the payload (through its hash)
 * to the namespace and key it was published for: an entry copied to another key, a
 * payload or header altered, bytes written without the envelope, or an envelope signed
 * with a key this instance does not hold are all refused. Lengths are big-endian; strings
 * are length-prefixed UTF-8.
 */
final class EntryEnvelope {

	private static final int MAGIC = 0x43435245; // "CCRE"

	static final byte VERSION = 1;

	private static final int HASH_BYTES = 32;

	private EntryEnvelope() {
	}

	/**
	 * Returns the size of the envelope of a payload, without signing it.
	 * @param signer the key that would sign it
	 * @param namespace the namespace
	 * @param key the key
	 * @param payloadLength the payload length
	 * @return the size in bytes, with room for the longest signature
	 */
	static long size(EntrySigner signer, String namespace, String key, int payloadLength) {
		return headerSize(signer.keyId(), utf8(namespace), utf8(key)) + 2 + 64 + (long) payloadLength;
	}

	/**
	 * Seals a payload for a namespace and key.
	 * @param signer the key that signs
	 * @param namespace the namespace
	 * @param key the key
	 * @param payload the entry's bytes
	 * @return the envelope
	 */
	static byte[] seal(EntrySigner signer, String namespace, String key, byte[] payload) {
		byte[] keyId = signer.keyId().getBytes(StandardCharsets.US_ASCII);
		byte[] namespaceBytes = utf8(namespace);
		byte[] keyBytes = utf8(key);
		ByteBuffer header = ByteBuffer.allocate(headerSize(signer.keyId(), namespaceBytes, keyBytes));
		header.putInt(MAGIC).put(VERSION).put((byte) signer.algorithm());
		header.put((byte) keyId.length).put(keyId);
		header.putShort((short) namespaceBytes.length).put(namespaceBytes);
		header.putShort((short) keyBytes.length).put(keyBytes);
		header.putInt(payload.length).put(sha256(payload));
		byte[] signed = header.array();
		byte[] signature = signer.sign(signed);
		return ByteBuffer.allocate(signed.length + 2 + signature.length + payload.length)
			.put(signed)
			.putShort((short) signature.length)
			.put(signature)
			.put(payload)
			.array();
	}

	/**
	 * Verifies an envelope and returns its payload.
	 * @param keyring the keys this instance accepts
	 * @param namespace the namespace the entry was looked up in
	 * @param key the key it was looked up under
	 * @param envelope the bytes found in Redis
	 * @return the payload
	 * @throws RejectedEntryException if the envelope is not one this instance accepts for
	 * that namespace and key
	 */
	static byte[] open(Keyring keyring, String namespace, String key, byte[] envelope) throws RejectedEntryException {
		ByteBuffer buffer = ByteBuffer.wrap(envelope);
		try {
			if (envelope.length < 4 || buffer.getInt() != MAGIC) {
				throw new RejectedEntryException("not a signed entry (unsigned or foreign data)");
			}
			byte version = buffer.get();
			if (version != VERSION) {
				throw new RejectedEntryException("unsupported envelope version " + version);
			}
			int algorithm = buffer.get();
			String keyId = new String(bytes(buffer, Byte.toUnsignedInt(buffer.get())), StandardCharsets.US_ASCII);
			String entryNamespace = new String(bytes(buffer, Short.toUnsignedInt(buffer.getShort())),
					StandardCharsets.UTF_8);
			String entryKey = new String(bytes(buffer, Short.toUnsignedInt(buffer.getShort())), StandardCharsets.UTF_8);
			int payloadLength = buffer.getInt();
			byte[] hash = bytes(buffer, HASH_BYTES);
			int signedLength = buffer.position();
			byte[] signature = bytes(buffer, Short.toUnsignedInt(buffer.getShort()));
			if (payloadLength < 0 || buffer.remaining() != payloadLength) {
				throw new RejectedEntryException("truncated or extended: " + buffer.remaining()
						+ " payload bytes where the header promises " + payloadLength);
			}
			EntryVerifier verifier = keyring.verifier(keyId);
			if (verifier == null) {
				throw new RejectedEntryException(
						"signed with an unknown key " + keyId + " (another secret, or one no longer accepted)");
			}
			if (verifier.algorithm() != algorithm) {
				throw new RejectedEntryException("algorithm " + algorithm + " does not match key " + keyId);
			}
			if (!verifier.verify(Arrays.copyOf(envelope, signedLength), signature)) {
				throw new RejectedEntryException("the signature does not verify (header altered or forged)");
			}
			if (!entryNamespace.equals(namespace) || !entryKey.equals(key)) {
				throw new RejectedEntryException(
						"signed for " + entryNamespace + " " + entryKey + ", found under another key (moved)");
			}
			byte[] payload = Arrays.copyOfRange(envelope, envelope.length - payloadLength, envelope.length);
			if (!MessageDigest.isEqual(sha256(payload), hash)) {
				throw new RejectedEntryException("the payload does not match its signed hash (altered)");
			}
			return payload;
		}
		catch (BufferUnderflowException ex) {
			throw new RejectedEntryException("truncated header");
		}
	}

	private static int headerSize(String keyId, byte[] namespace, byte[] key) {
		if (keyId.length() > 255 || namespace.length > 0xFFFF || key.length > 0xFFFF) {
			throw new IllegalArgumentException("Key id, namespace or key too long");
		}
		return 4 + 1 + 1 + 1 + keyId.length() + 2 + namespace.length + 2 + key.length + 4 + HASH_BYTES;
	}

	private static byte[] bytes(ByteBuffer buffer, int length) {
		if (length > buffer.remaining()) {
			throw new BufferUnderflowException();
		}
		byte[] bytes = new byte[length];
		buffer.get(bytes);
		return bytes;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/**
	 * An entry in Redis that this instance refuses to use.
	 */
	static final class RejectedEntryException extends Exception {

		private static final long serialVersionUID = 1L;

		RejectedEntryException(String reason) {
			super(reason);
		}

	}

}
