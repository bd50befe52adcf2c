package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EntryCodec}: the entry file format is
 * {@code magic "CHCE" | version 1 | key length | key | created | payload length | payload | CRC-32C}.
 */
class EntryCodecTests {

	private static final String KEY = "sha-256:KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb+w=";

	private static final String OTHER_KEY = "sha-256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

	private static final Instant CREATED = Instant.parse("2026-03-01T12:00:00.123Z");

	@TempDir
	Path temp;

	@Test
	void encodesTheDocumentedFormat() {
		byte[] payload = { 10, 20, 30 };
		byte[] file = encode(KEY, CREATED, payload);
		// a 19-byte fixed header, the key in UTF-8, the payload, a 4-byte CRC
		assertThat(file).hasSize((int) EntryCodec.encodedSize(KEY, payload.length))
			.hasSize(19 + KEY.length() + payload.length + 4);
		ByteBuffer buffer = ByteBuffer.wrap(file);
		assertThat(new String(file, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("CHCE");
		buffer.position(4);
		assertThat(buffer.get()).isEqualTo((byte) 1);
		int keyLength = buffer.getShort();
		assertThat(keyLength).isEqualTo(KEY.length());
		byte[] key = new byte[keyLength];
		buffer.get(key);
		assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo(KEY);
		assertThat(buffer.getLong()).isEqualTo(CREATED.toEpochMilli());
		assertThat(buffer.getInt()).isEqualTo(3);
		assertThat(buffer.get()).isEqualTo((byte) 10);
		java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
		crc.update(file, 0, file.length - 4);
		assertThat(ByteBuffer.wrap(file, file.length - 4, 4).getInt()).isEqualTo((int) crc.getValue());
	}

	@Test
	void decodeReturnsThePayload() throws Exception {
		byte[] payload = payload(5000);
		assertThat(EntryCodec.decode(encode(KEY, CREATED, payload), KEY)).isEqualTo(payload);
		assertThat(EntryCodec.decode(encode(KEY, CREATED, new byte[0]), KEY)).isEmpty();
	}

	@Test
	void readFromAFileVerifiesLikeDecode() throws Exception {
		byte[] payload = payload(5000);
		Path file = Files.write(this.temp.resolve("entry"), encode(KEY, CREATED, payload));
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			assertThat(EntryCodec.read(channel, KEY, Long.MAX_VALUE)).isEqualTo(payload);
		}
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			assertThatExceptionOfType(EntryCodec.CorruptEntryException.class)
				.isThrownBy(() -> EntryCodec.read(channel, OTHER_KEY, Long.MAX_VALUE))
				.withMessageContaining("belongs to key " + KEY);
		}
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			EntryCodec.Header header = EntryCodec.readHeader(channel);
			assertThat(header.key()).isEqualTo(KEY);
			assertThat(header.created()).isEqualTo(CREATED);
			assertThat(header.payloadLength()).isEqualTo(5000);
		}
	}

	@Test
	void headerClaimingMoreThanAnArrayCanHoldIsCorrupt() throws IOException {
		byte[] file = encode(KEY, CREATED, new byte[1]);
		int lengthOffset = 4 + 1 + 2 + KEY.length() + 8;
		ByteBuffer.wrap(file).putInt(lengthOffset, Integer.MAX_VALUE);
		Path path = Files.write(this.temp.resolve("entry"), file);
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
			assertThatExceptionOfType(EntryCodec.CorruptEntryException.class)
				.isThrownBy(() -> EntryCodec.read(channel, KEY, Long.MAX_VALUE))
				.withMessageContaining("does not match");
		}
	}

	@Test
	void decodeNamesTheProblem() {
		byte[] valid = encode(KEY, CREATED, new byte[] { 1, 2, 3 });
		assertThatExceptionOfType(EntryCodec.CorruptEntryException.class)
			.isThrownBy(() -> EntryCodec.decode(new byte[0], KEY))
			.withMessage("empty file");
		assertThatExceptionOfType(EntryCodec.CorruptEntryException.class)
			.isThrownBy(() -> EntryCodec.decode(new byte[] { 1, 2 }, KEY))
			.withMessage("too short for a header");
		assertThatExceptionOfType(EntryCodec.CorruptEntryException.class).isThrownBy(() -> EntryCodec.decode(
				"PK\u0003\u0004 some zip content, long enough for a header".getBytes(StandardCharsets.ISO_8859_1), KEY))
			.withMessageContaining("bad magic");
		byte[] version = valid.clone();
		version[4] = 2;
		assertThatExceptionOfType(EntryCodec.CorruptEntryException.class)
			.isThrownBy(() -> EntryCodec.decode(version, KEY))
			.withMessage("unsupported entry format version 2");
		byte[] payload = valid.clone();
		payload[payload.length - 5] ^= 1;
		assertThatExceptionOfType(EntryCodec.CorruptEntryException.class)
			.isThrownBy(() -> EntryCodec.decode(payload, KEY))
			.withMessage("checksum mismatch");
		assertThatExceptionOfType(EntryCodec.CorruptEntryException.class)
			.isThrownBy(() -> EntryCodec.decode(java.util.Arrays.copyOf(valid, valid.length - 1), KEY))
			.withMessageContaining("does not match");
	}

	private static byte[] payload(int size) {
		byte[] payload = new byte[size];
		new Random(size).nextBytes(payload);
		return payload;
	}

	private static byte[] encode(String key, Instant created, byte[] payload) {
		ByteBuffer header = EntryCodec.header(key, created, payload.length);
		ByteBuffer trailer = EntryCodec.trailer(header, payload);
		ByteBuffer file = ByteBuffer.allocate(header.remaining() + payload.length + trailer.remaining());
		file.put(header.duplicate()).put(payload).put(trailer);
		return file.array();
	}

}
