package io.github.chicorycache.compiler;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Encoding;
import com.dylibso.chicory.wasm.WasmWriter;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import com.dylibso.chicory.wasm.types.SectionId;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the data section of module bytes prepared for Chicory's parser without the
 * data of its segments, which each segment then gets copied from the bytes: twice, since
 * a segment of Chicory's copies the array it is made with.
 * <p>
 * Why: the parser reads what it is given a kilobyte at a time into a buffer that grows by
 * doubling, copies that buffer, copies each segment's data out of it, and the segment
 * copies that again. For a data section of megabytes (tiktoken's is 4.9 MB) that is four
 * to five times the data in allocations and copies, which on a hit fill the young
 * generation of a fresh JVM and cost it a collection. The parser still decodes everything
 * but the data: each segment's mode, memory and offset expression, as they are in the
 * bytes.
 * <p>
 * Only segments whose offset expression consists of {@code i32.const}, {@code i64.const},
 * {@code global.get} and the extended constant arithmetic are prepared so, since this
 * class knows where each of those instructions ends; for a section with any other segment
 * (an offset of {@code f32.const} or {@code ref.null}, say) or a malformed one, nothing
 * is prepared, and the parser decodes the section as it is.
 */
final class DataSegments {

	private static final int I32_CONST = 0x41;

	private static final int I64_CONST = 0x42;

	private static final int GLOBAL_GET = 0x23;

	private static final int END = 0x0B;

	/**
	 * The extended constant arithmetic: {@code i32.add/sub/mul}, {@code i64.add/sub/mul}.
	 */
	private static final byte[] ARITHMETIC = { 0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E };

	/** How many segments the arrays of a section are made for at first. */
	private static final int INITIAL_SEGMENTS = 64;

	private final byte[] section;

	private final int[] dataStarts;

	private final int[] dataLengths;

	private DataSegments(byte[] section, int[] dataStarts, int[] dataLengths) {
		this.section = section;
		this.dataStarts = dataStarts;
		this.dataLengths = dataLengths;
	}

	/**
	 * Prepares the data section of module bytes.
	 * @param bytes the module bytes
	 * @param data where its data section is
	 * @return the prepared section, or {@code null} if the parser should decode the
	 * section as it is
	 */
	static @Nullable DataSegments prepare(byte[] bytes, WasmSections.Section data) {
		ByteBuffer source = ByteBuffer.wrap(bytes, data.contentsStart(), data.end() - data.contentsStart());
		try {
			int count = WasmSections.readVarUInt32(source);
			// Each segment takes two bytes at least (its mode and its data length).
			if (count > source.remaining() / 2) {
				return null;
			}
			// The arrays start at 64 segments and grow as segments are read: the count,
			// bounded only by the bytes (which may be any bytes, since a load decodes
			// ahead of the digest), would otherwise cost up to 24 bytes for each claimed
			// segment before the first malformed one is read.
			int capacity = Math.min(count, INITIAL_SEGMENTS);
			ByteArrayOutputStream contents = new ByteArrayOutputStream(16 + 16 * capacity);
			WasmWriter.writeVarUInt32(contents, count);
			int[] starts = new int[capacity];
			int[] lengths = new int[capacity];
			for (int i = 0; i < count; i++) {
				if (i == starts.length) {
					int grown = (int) Math.min(count, 2L * starts.length);
					starts = Arrays.copyOf(starts, grown);
					lengths = Arrays.copyOf(lengths, grown);
				}
				int header = source.position();
				// Active (0), passive (1), or active in a given memory (2).
				int mode = WasmSections.readVarUInt32(source);
				if (mode > 2) {
					return null;
				}
				if (mode == 2) {
					WasmSections.readVarUInt32(source);
				}
				if (mode != 1 && !skipConstantExpression(source)) {
					return null;
				}
				contents.write(bytes, header, source.position() - header);
				int length = WasmSections.readVarUInt32(source);
				if (length > source.remaining()) {
					return null;
				}
				// The segment as the parser sees it: no data.
				WasmWriter.writeVarUInt32(contents, 0);
				starts[i] = source.position();
				lengths[i] = length;
				source.position(source.position() + length);
			}
			if (source.hasRemaining()) {
				return null;
			}
			ByteArrayOutputStream section = new ByteArrayOutputStream(contents.size() + 6);
			section.write(SectionId.DATA);
			WasmWriter.writeVarUInt32(section, contents.size());
			section.writeBytes(contents.toByteArray());
			return new DataSegments(section.toByteArray(), starts, lengths);
		}
		catch (ChicoryException | ArithmeticException ex) {
			return null;
		}
	}

	/**
	 * Returns the section to give the parser in place of the data section: header and
	 * contents, every segment without data.
	 * @return the section's bytes
	 */
	byte[] section() {
		return this.section;
	}

	/**
	 * Returns the data section the parser decoded from {@link #section()}, with each
	 * segment's data.
	 * @param decoded what the parser decoded
	 * @param bytes the module bytes this was prepared from
	 * @return the data section, equal to the one the parser decodes from the bytes (but
	 * for where each offset instruction was read)
	 * @throws IllegalStateException if the parser decoded other segments than prepared
	 */
	DataSection withData(DataSection decoded, byte[] bytes) {
		if (decoded.dataSegmentCount() != this.dataStarts.length) {
			throw new IllegalStateException("the parser decoded " + decoded.dataSegmentCount() + " data segments, not "
					+ this.dataStarts.length);
		}
		DataSection.Builder section = DataSection.builder();
		for (int i = 0; i < this.dataStarts.length; i++) {
			DataSegment segment = decoded.getDataSegment(i);
			byte[] data = Arrays.copyOfRange(bytes, this.dataStarts[i], this.dataStarts[i] + this.dataLengths[i]);
			if (segment instanceof ActiveDataSegment active) {
				section.addDataSegment(new ActiveDataSegment(active.index(), active.offsetInstructions(), data));
			}
			else if (segment instanceof PassiveDataSegment) {
				section.addDataSegment(new PassiveDataSegment(data));
			}
			else {
				throw new IllegalStateException("unknown data segment " + segment.getClass().getName());
			}
		}
		return section.build();
	}

	/**
	 * Skips a constant expression whose instructions are all ones this knows the length
	 * of, up to and including its {@code end}.
	 * @return whether it was one
	 */
	private static boolean skipConstantExpression(ByteBuffer source) {
		while (source.hasRemaining()) {
			int opcode = source.get() & 0xFF;
			switch (opcode) {
				case END:
					return true;
				case I32_CONST, GLOBAL_GET:
					if (!skipLeb128(source, Encoding.MAX_VARINT_LEN_32)) {
						return false;
					}
					break;
				case I64_CONST:
					if (!skipLeb128(source, Encoding.MAX_VARINT_LEN_64)) {
						return false;
					}
					break;
				default:
					if (!isArithmetic(opcode)) {
						return false;
					}
			}
		}
		return false;
	}

	private static boolean isArithmetic(int opcode) {
		for (byte arithmetic : ARITHMETIC) {
			if (arithmetic == opcode) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Skips a LEB128 number of at most {@code maxBytes} bytes, signed or not.
	 * @return whether there was one
	 */
	private static boolean skipLeb128(ByteBuffer source, int maxBytes) {
		for (int i = 0; i < maxBytes && source.hasRemaining(); i++) {
			if ((source.get() & 0x80) == 0) {
				return true;
			}
		}
		return false;
	}

}
