package io.github.chicorycache.compiler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.Section;
import com.dylibso.chicory.wasm.types.SectionId;
import com.sun.management.ThreadMXBean;
import io.github.chicorycache.CompilerFixtures;
import io.github.chicorycache.testsupport.RealModules;
import org.junit.jupiter.api.Test;

import static io.github.chicorycache.WasmBytes.concat;
import static io.github.chicorycache.WasmBytes.leb;
import static io.github.chicorycache.WasmBytes.section;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link DataSegments}: the data section a hit decodes without giving its data
 * to Chicory's parser is the one the parser decodes, and a section it cannot prepare is
 * left to the parser whole.
 */
class DataSegmentsTests {

	private static final byte[] HEADER = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };

	/** Imports an immutable {@code i32} global {@code env.g}. */
	private static final byte[] GLOBAL_IMPORT = section(SectionId.IMPORT,
			new byte[] { 0x01, 0x03, 'e', 'n', 'v', 0x01, 'g', 0x03, 0x7F, 0x00 });

	private static final byte[] ONE_MEMORY = section(SectionId.MEMORY, new byte[] { 0x01, 0x00, 0x01 });

	private static final byte END = 0x0B;

	@Test
	void segmentsOfEveryModeAndOffsetDecodeAsTheParserDecodesThem() {
		byte[] module = module(
				// i32.const 11: an immediate that is the byte of end
				active(new byte[] { 0x41, 0x0B }, "abc"),
				// i32.const 16 in the longest encoding of a 32-bit number
				active(new byte[] { 0x41, (byte) 0x90, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00 }, "de"),
				// i32.const -1
				active(new byte[] { 0x41, 0x7F }, "-"), concat(new byte[] { 0x01 }, data("xyz")),
				// memory 0 given: global.get 0
				concat(new byte[] { 0x02, 0x00, 0x23, 0x00, END }, data("fg")),
				// memory 1 (the parser does not check that it exists): i32.const 0
				concat(new byte[] { 0x02, 0x01, 0x41, 0x00, END }, data("m")),
				// i32.const 1; i32.const 2; i32.add (the extended constant expressions)
				active(new byte[] { 0x41, 0x01, 0x41, 0x02, 0x6A }, "h"),
				// i64.const 11 (a 64-bit memory)
				active(new byte[] { 0x42, 0x0B }, "i"), active(new byte[] { 0x41, 0x00 }, ""),
				concat(new byte[] { 0x01 }, data("")));
		assertDecodedAsTheParserDoes(module, true);
	}

	@Test
	void aSectionOfThousandsOfSegmentsDecodesAsTheParserDecodesIt() {
		byte[][] segments = new byte[3000][];
		for (int i = 0; i < segments.length; i++) {
			segments[i] = (i % 3 == 0) ? concat(new byte[] { 0x01 }, data("p" + i))
					: active(concat(new byte[] { 0x41 }, leb(i & 0x3F)), "a" + i);
		}
		assertDecodedAsTheParserDoes(module(segments), true);
	}

	@Test
	void theDataOfRealAndGeneratedModulesIsDecodedAsTheParserDecodesIt() {
		for (byte[] module : List.of(RealModules.wat2wasm(), CompilerFixtures.contextDependentModule(),
				CompilerFixtures.dataCountModule())) {
			assertDecodedAsTheParserDoes(module, true);
		}
	}

	@Test
	void aSegmentOfAnotherOffsetLeavesTheSectionToTheParser() {
		// f32.const 0.0, and ref.null func: instructions this does not know the length of
		for (byte[] offset : List.of(new byte[] { 0x43, 0x00, 0x00, 0x00, 0x00 }, new byte[] { (byte) 0xD0, 0x70 })) {
			assertDecodedAsTheParserDoes(module(active(new byte[] { 0x41, 0x01 }, "ab"), active(offset, "cd")), false);
		}
	}

	@Test
	void aMalformedSectionIsNotPrepared() {
		byte[] segment = active(new byte[] { 0x41, 0x01 }, "ab");
		List<byte[]> malformed = List.of(
				// more segments than the section holds
				concat(leb(2), segment),
				// more segments than two bytes each allow
				concat(leb(4), segment),
				// data longer than the section
				concat(leb(1), new byte[] { 0x00, 0x41, 0x01, END, 0x05, 'a', 'b' }),
				// bytes after the last segment
				concat(leb(1), segment, new byte[] { 0x00 }),
				// an unknown mode
				concat(leb(1), new byte[] { 0x03, 0x00 }),
				// an offset without end
				concat(leb(1), new byte[] { 0x00, 0x41, 0x01 }),
				// a number encoded in more bytes than a 32-bit one has
				concat(leb(1),
						new byte[] { 0x00, 0x41, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00,
								END, 0x00 }),
				// a count that does not fit an int
				new byte[] { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F });
		for (byte[] contents : malformed) {
			byte[] bytes = concat(HEADER, section(SectionId.DATA, contents));
			assertThat(DataSegments.prepare(bytes, dataSection(bytes))).isNull();
		}
	}

	@Test
	void aLargeCountCostsNothingBeforeTheFirstMalformedSegment() {
		// Decoded ahead on the pool for any bytes loaded, valid or not: a count of 4M
		// segments, which 8 MB could hold, whose first segment is of an unknown mode, is
		// rejected without allocating for the 4M segments.
		int count = 4 << 20;
		byte[] contents = new byte[2 * count + 4];
		byte[] countBytes = leb(count);
		System.arraycopy(countBytes, 0, contents, 0, countBytes.length);
		contents[countBytes.length] = 0x03;
		byte[] bytes = concat(HEADER, section(SectionId.DATA, contents));
		WasmSections.Section data = dataSection(bytes);
		ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
		long before = threads.getCurrentThreadAllocatedBytes();
		DataSegments prepared = DataSegments.prepare(bytes, data);
		long allocated = threads.getCurrentThreadAllocatedBytes() - before;
		assertThat(prepared).isNull();
		assertThat(allocated).isLessThan(1 << 20);
	}

	@Test
	void aSectionOfEmptyPassiveSegmentsOnlyIsPrepared() {
		// Two bytes a segment, the fewest a segment takes
		byte[] empty = concat(new byte[] { 0x01 }, data(""));
		assertDecodedAsTheParserDoes(module(empty, empty, empty), true);
	}

	/**
	 * Asserts that the sections a hit decodes from module bytes, on the pool, are the
	 * ones Chicory's parser decodes from the bytes without their code section, and
	 * whether the data section was prepared or left whole. Only where the offset
	 * instructions were read differs, which nothing reads.
	 */
	private static void assertDecodedAsTheParserDoes(byte[] bytes, boolean prepared) {
		assertThat(DataSegments.prepare(bytes, dataSection(bytes)) != null).isEqualTo(prepared);
		ByteArrayOutputStream withoutCode = new ByteArrayOutputStream();
		withoutCode.write(bytes, 0, WasmSections.HEADER);
		for (WasmSections.Section section : WasmSections.ofModule(bytes)) {
			if (section.id() != SectionId.CODE) {
				withoutCode.write(bytes, section.start(), section.length());
			}
		}
		List<Section> parsed = ModuleParser.sections(new ByteArrayInputStream(withoutCode.toByteArray()), false);
		List<Section> shared = MetaModule.decodeSharedSections(bytes).join();
		assertThat(shared).hasSameSizeAs(parsed);
		for (int i = 0; i < parsed.size(); i++) {
			Section section = parsed.get(i);
			if (section instanceof DataSection data) {
				assertSameSegments((DataSection) shared.get(i), data);
			}
			else {
				assertThat(shared.get(i)).usingRecursiveComparison().isEqualTo(section);
			}
		}
	}

	private static void assertSameSegments(DataSection actual, DataSection expected) {
		assertThat(actual.dataSegmentCount()).isEqualTo(expected.dataSegmentCount()).isPositive();
		for (int i = 0; i < expected.dataSegmentCount(); i++) {
			DataSegment segment = actual.getDataSegment(i);
			DataSegment parsed = expected.getDataSegment(i);
			assertThat(segment).hasSameClassAs(parsed);
			assertThat(segment.data()).isEqualTo(parsed.data());
			if (parsed instanceof ActiveDataSegment active) {
				assertThat(((ActiveDataSegment) segment).index()).isEqualTo(active.index());
				assertThat(instructions((ActiveDataSegment) segment)).isEqualTo(instructions(active)).isNotEmpty();
			}
		}
	}

	private static List<String> instructions(ActiveDataSegment segment) {
		return segment.offsetInstructions()
			.stream()
			.map((instruction) -> instruction.opcode() + Arrays.toString(instruction.operands()))
			.toList();
	}

	private static DataSection data(List<Section> sections) {
		return (DataSection) sections.stream()
			.filter((section) -> section.sectionId() == SectionId.DATA)
			.findFirst()
			.orElseThrow();
	}

	private static WasmSections.Section dataSection(byte[] bytes) {
		return WasmSections.ofModule(bytes)
			.stream()
			.filter((section) -> section.id() == SectionId.DATA)
			.findFirst()
			.orElseThrow();
	}

	private static byte[] module(byte[]... segments) {
		return concat(HEADER, GLOBAL_IMPORT, ONE_MEMORY,
				section(SectionId.DATA, concat(leb(segments.length), concat(segments))));
	}

	/** A segment of mode 0: in memory 0 at an offset, the expression's end added. */
	private static byte[] active(byte[] offset, String data) {
		return concat(new byte[] { 0x00 }, offset, new byte[] { END }, data(data));
	}

	private static byte[] data(String data) {
		byte[] bytes = data.getBytes(StandardCharsets.US_ASCII);
		return concat(leb(bytes.length), bytes);
	}

}
