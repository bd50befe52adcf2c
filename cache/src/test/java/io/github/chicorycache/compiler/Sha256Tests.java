package io.github.chicorycache.compiler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import com.dylibso.chicory.wasm.Parser;
import io.github.chicorycache.testsupport.RealModules;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Sha256}: the same bytes as the JDK's {@code MessageDigest}, since a
 * different digest would key the same module twice, or worse, two modules once.
 */
class Sha256Tests {

	@Test
	void digestsOfTheStandardsExamples() {
		// FIPS 180-4 examples (NIST CSRC), one block, two blocks, and empty.
		assertThat(hex(Sha256.digest("abc".getBytes(StandardCharsets.US_ASCII))))
			.isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		assertThat(hex(Sha256
			.digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII))))
			.isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
		assertThat(hex(Sha256.digest(new byte[0])))
			.isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	}

	/**
	 * Every length up to three blocks and a bit, which passes each place where the
	 * padding takes one block or two (55, 56, 63, 64, 119, 120 ...).
	 */
	@ParameterizedTest
	@MethodSource("lengths")
	void sameAsTheJdkAtEveryLengthUpToThreeBlocks(int length) throws NoSuchAlgorithmException {
		byte[] bytes = new byte[length];
		new Random(length).nextBytes(bytes);
		assertThat(Sha256.digest(bytes)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

	static IntStream lengths() {
		return IntStream.rangeClosed(0, 200);
	}

	@Test
	void sameAsTheJdkForAllByteValuesAndLargeInputs() throws NoSuchAlgorithmException {
		for (int length : new int[] { 256, 4095, 65_536, 1_048_583 }) {
			byte[] bytes = new byte[length];
			for (int i = 0; i < length; i++) {
				bytes[i] = (byte) (i * 31 + (i >>> 8));
			}
			assertThat(Sha256.digest(bytes)).as("%d bytes", length)
				.isEqualTo(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
	}

	@Test
	void moduleDigestIsTheParsersWithEitherImplementation() {
		for (byte[] bytes : new byte[][] { RealModules.wat2wasm(), WasmModuleWriter.functions(10, 3) }) {
			String parsers = Parser.parse(bytes).digest();
			assertThat(ModuleDigest.of(bytes, "SHA-256", true)).isEqualTo(parsers);
			assertThat(ModuleDigest.of(bytes, "SHA-256", false)).isEqualTo(parsers);
			assertThat(ModuleDigest.of(bytes)).isEqualTo(parsers);
		}
	}

	@Test
	void theStartupBudgetIsTakenUntilTooLittleIsLeft() {
		AtomicLong budget = new AtomicLong(100);
		assertThat(ModuleDigest.take(budget, 60)).isTrue();
		assertThat(ModuleDigest.take(budget, 60)).isFalse();
		assertThat(ModuleDigest.take(budget, 40)).isTrue();
		assertThat(ModuleDigest.take(budget, 1)).isFalse();
		assertThat(budget).hasValue(0);
		assertThat(ModuleDigest.take(new AtomicLong(ModuleDigest.STARTUP_BYTES), Integer.MAX_VALUE)).isFalse();
	}

	private static String hex(byte[] digest) {
		return HexFormat.of().formatHex(digest);
	}

}
