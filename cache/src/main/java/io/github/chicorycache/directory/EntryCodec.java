package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.CRC32C;

import io.github.chicorycache.CacheKey;

/**
 * Encodes and verifies the content of an entry file.
 * <p>
 * An entry file is {@code header | payload | crc}: the header holds a magic number, a
 * format version, the full key (the file name is a lossy, lower-cased form of it), the
 * creation time and the payload length; the trailing CRC-32C covers header and payload.
 * This makes every kind of damage (garbage, empty, truncated, flipped bytes, a file of
 * another key copied here, a raw JAR written by another tool) detectable before a single
 * byte reaches the compiler.
 */
final class EntryCodec {

	private static final int MAGIC = 0x43484345; // "CHCE"

	private static final byte VERSION = 1;

	private static final int FIXED_HEADER = 4 + 1 + 2 + 8 + 4;

	static final int TRAILER = 4;

	/**
	 * Largest entry file that can be read into one array.
	 */
	static final int MAX_FILE_SIZE = Integer.MAX_VALUE - 8;

	private EntryCodec() {
	}

	static ByteBuffer header(String key, Instant created, int payloadLength) {
		byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
		ByteBuffer header = ByteBuffer.allocate(FIXED_HEADER + keyBytes.length);
		header.putInt(MAGIC).put(VERSION).putShort((short) keyBytes.length).put(keyBytes);
		header.putLong(created.toEpochMilli()).putInt(payloadLength);
		return header.flip();
	}

	static ByteBuffer trailer(ByteBuffer header, byte[] payload) {
		CRC32C crc = new CRC32C();
		crc.update(header.duplicate());
		crc.update(payload);
		return ByteBuffer.allocate(TRAILER).putInt((int) crc.getValue()).flip();
	}

	/**
	 * Returns the encoded size of an entry.
	 * @param key the key
	 * @param payloadLength the payload length
	 * @return the file size in bytes
	 */
	static long encodedSize(String key, int payloadLength) {
		return FIXED_HEADER + key.getBytes(StandardCharsets.UTF_8).length + (long) payloadLength + TRAILER;
	}

	/**
	 * Verifies a whole entry file and returns its payload.
	 * @param file the file content
	 * @param expectedKey the key the entry must belong to
	 * @return the payload
	 * @throws CorruptEntryException if the content is damaged or belongs to another key
	 */
	static byte[] decode(byte[] file, String expectedKey) throws CorruptEntryException {
		Header header = parseHeader(ByteBuffer.wrap(file), file.length);
		if (!sameKey(header.key(), expectedKey)) {
			throw new CorruptEntryException("entry belongs to key " + header.key());
		}
		long expectedSize = (long) header.length() + header.payloadLength() + TRAILER;
		if (file.length != expectedSize) {
			throw new CorruptEntryException("size " + file.length + " does not match " + expectedSize);
		}
		int payloadEnd = file.length - TRAILER;
		CRC32C crc = new CRC32C();
		crc.update(file, 0, payloadEnd);
		int stored = ByteBuffer.wrap(file, payloadEnd, TRAILER).getInt();
		if ((int) crc.getValue() != stored) {
			throw new CorruptEntryException("checksum mismatch");
		}
		byte[] payload = new byte[header.payloadLength()];
		System.arraycopy(file, header.length(), payload, 0, payload.length);
		return payload;
	}

	/**
	 * Reads and verifies a whole entry file and returns its payload. The header is read
	 * and checked first, so that a damaged, foreign or oversized file is rejected before
	 * anything of its size is allocated.
	 * @param channel the open file, positioned at its start
	 * @param expectedKey the key the entry must belong to
	 * @param maxEntrySize the largest file accepted
	 * @return the payload
	 * @throws IOException on read failure
	 * @throws CorruptEntryException if the content is damaged, too large or belongs to
	 * another key
	 */
	static byte[] read(FileChannel channel, String expectedKey, long maxEntrySize)
			throws IOException, CorruptEntryException {
		long size = channel.size();
		Header header = readHeader(channel);
		if (!sameKey(header.key(), expectedKey)) {
			throw new CorruptEntryException("entry belongs to key " + header.key());
		}
		long expectedSize = (long) header.length() + header.payloadLength() + TRAILER;
		if (size != expectedSize) {
			throw new CorruptEntryException("size " + size + " does not match " + expectedSize);
		}
		if (size > maxEntrySize) {
			throw new CorruptEntryException(
					"size " + size + " exceeds the maximum entry size of " + maxEntrySize + " bytes");
		}
		if (size > MAX_FILE_SIZE) {
			throw new CorruptEntryException("size " + size + " exceeds the largest readable entry");
		}
		byte[] file = new byte[(int) size];
		ByteBuffer buffer = ByteBuffer.wrap(file);
		while (buffer.hasRemaining()) {
			if (channel.read(buffer, buffer.position()) < 0) {
				throw new CorruptEntryException("file shrank while being read");
			}
		}
		return decode(file, expectedKey);
	}

	/**
	 * Reads only the header of an entry file, for listing without reading payloads.
	 * @param channel the open file
	 * @return the header
	 * @throws IOException on read failure
	 * @throws CorruptEntryException if the header is damaged
	 */
	static Header readHeader(FileChannel channel) throws IOException, CorruptEntryException {
		ByteBuffer buffer = ByteBuffer
			.allocate(FIXED_HEADER + CacheKey.MAX_ALGORITHM_LENGTH + 1 + CacheKey.MAX_DIGEST_LENGTH);
		while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
			// keep reading until the buffer is full or the file ends
		}
		buffer.flip();
		return parseHeader(buffer, channel.size());
	}

	private static Header parseHeader(ByteBuffer buffer, long fileSize) throws CorruptEntryException {
		if (buffer.remaining() < FIXED_HEADER + TRAILER) {
			throw new CorruptEntryException((fileSize == 0) ? "empty file" : "too short for a header");
		}
		if (buffer.getInt() != MAGIC) {
			throw new CorruptEntryException("not a cache entry (bad magic)");
		}
		byte version = buffer.get();
		if (version != VERSION) {
			throw new CorruptEntryException("unsupported entry format version " + version);
		}
		int keyLength = Short.toUnsignedInt(buffer.getShort());
		if (buffer.remaining() < keyLength + 8 + 4) {
			throw new CorruptEntryException("truncated header");
		}
		byte[] keyBytes = new byte[keyLength];
		buffer.get(keyBytes);
		long created = buffer.getLong();
		int payloadLength = buffer.getInt();
		if (payloadLength < 0) {
			throw new CorruptEntryException("negative payload length");
		}
		return new Header(new String(keyBytes, StandardCharsets.UTF_8), Instant.ofEpochMilli(created), payloadLength,
				FIXED_HEADER + keyLength);
	}

	/**
	 * Returns whether two keys name the same entry: padded and unpadded, standard and
	 * URL-safe forms of one digest map to one file and must not read as another key's.
	 */
	static boolean sameKey(String stored, String expected) {
		if (stored.equals(expected)) {
			return true;
		}
		try {
			return CacheKey.parse(stored).fileSafe().equals(CacheKey.parse(expected).fileSafe());
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	record Header(String key, Instant created, int payloadLength, int length) {
	}

	/**
	 * Thrown when an entry file fails verification.
	 */
	static final class CorruptEntryException extends Exception {

		CorruptEntryException(String message) {
			super(message, null, false, false);
		}

	}

}
