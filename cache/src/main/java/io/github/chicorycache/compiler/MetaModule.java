package io.github.chicorycache.compiler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.WasmWriter;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Section;
import com.dylibso.chicory.wasm.types.SectionId;
import com.dylibso.chicory.wasm.types.UnknownCustomSection;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the "meta" module of a cache entry, in the way of Chicory's build-time
 * compiler and its {@code .meta} module: the original module with the body of each
 * compiled function replaced by {@code unreachable} ({@code 0 locals; unreachable; end}).
 * The bodies of the functions the compiler left to the interpreter are kept. Compiled
 * code never runs those bodies, so the meta module with the entry's classes behaves as
 * the original module, and it is much cheaper to decode; since the digest proves that the
 * original bytes were validated when the entry was made, a meta module of stubs only is
 * parsed without validation. One that keeps bodies is validated if the interpreter needs
 * what only the validator writes into some of their instructions
 * ({@link ValidatorHints}), which is decided once, when the entry is made.
 * <p>
 * The entry stores only what differs from the original bytes, its <em>meta part</em>: a
 * custom section {@value #MARKER} that holds the digest of the original bytes, a custom
 * section {@value #VALIDATE} if the meta module is to be validated, then the stubbed code
 * section. On a hit the caller has the original bytes (their digest is the key), so the
 * meta module is put together from them and the meta part, without a copy of their data
 * segments in the entry; its code section is decoded by {@link MetaCode}, which decodes
 * the stubs once. The marker tells a meta part from another module's, and a meta module
 * from a real one: compiling a meta module would produce code that traps, so the compiler
 * refuses to. A meta module made on a hit also carries, in memory only, the namespace of
 * the code it was made for ({@value #NAMESPACE}): the code of other options may interpret
 * a function whose body it lacks, so only code of that namespace serves it.
 */
public final class MetaModule {

	/**
	 * Name of the custom section that marks a meta module and holds the original digest.
	 */
	public static final String MARKER = "chicory-cache.meta";

	/**
	 * Name of the custom section that holds the namespace of the code a meta module was
	 * made for; added when the meta module is made, never stored.
	 */
	public static final String NAMESPACE = "chicory-cache.meta.namespace";

	/**
	 * Name of the custom section of a meta part that says that its meta module is to be
	 * validated ({@link ValidatorHints}); decided when the entry is made, so that a hit
	 * need not look through the kept bodies.
	 */
	static final String VALIDATE = "chicory-cache.meta.validate";

	private MetaModule() {
	}

	/**
	 * Makes the meta part of validated module bytes: the marker, the validation flag if a
	 * kept body needs the validator's hints, then the stubbed code section (if the module
	 * has one).
	 * @param bytes the original module bytes
	 * @param digest the digest of the bytes
	 * @param functionImports the number of imported functions (compiled functions are
	 * numbered after them)
	 * @param interpretedFunctions the functions whose real bodies must be kept
	 * @return the meta part
	 */
	public static byte[] create(byte[] bytes, String digest, int functionImports, Set<Integer> interpretedFunctions) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		writeSection(out, SectionId.CUSTOM, custom(MARKER, digest));
		List<WasmSections.Section> sections = WasmSections.ofModule(bytes);
		WasmSections.Section original = find(sections, SectionId.CODE);
		if (original == null) {
			return out.toByteArray();
		}
		ByteArrayOutputStream stubbed = new ByteArrayOutputStream();
		writeSection(stubbed, SectionId.CODE, MetaCode.stubbed(bytes, original.contentsStart(), original.end(),
				functionImports, interpretedFunctions));
		byte[] code = stubbed.toByteArray();
		if (!interpretedFunctions.isEmpty()) {
			// Decoded as a hit decodes it, so that the decision is the one a hit would
			// make.
			CodeSection decoded = MetaCode.decode(bytes, find(sections, SectionId.TYPE), original, code,
					WasmSections.of(code, 0).get(0));
			if (ValidatorHints.needed(decoded, bytes, sections)) {
				writeSection(out, SectionId.CUSTOM, custom(VALIDATE, ""));
			}
		}
		out.writeBytes(code);
		return out.toByteArray();
	}

	/**
	 * Returns whether a meta part says that its meta module is to be validated.
	 * @param part the meta part
	 * @return whether it has the {@value #VALIDATE} section
	 */
	static boolean validates(byte[] part) {
		return hasValidateFlag(part, WasmSections.of(part, 0));
	}

	/**
	 * Returns whether the sections of a meta part have the {@value #VALIDATE} section
	 * where it belongs: right after the marker.
	 */
	private static boolean hasValidateFlag(byte[] part, List<WasmSections.Section> partSections) {
		return partSections.size() > 1 && customPayload(part, partSections.get(1), VALIDATE) != null;
	}

	/**
	 * Starts decoding, on the common pool, the sections of module bytes that the meta
	 * module of an entry made from them would share: all but the code section. They do
	 * not depend on the entry, so they can be decoded while the caller computes the
	 * digest of the bytes and looks the entry up, and passed to
	 * {@link #parse(byte[], byte[], String, String, Forked)}. Wasted if there is no such
	 * entry (then nothing joins the work, and malformed bytes fail nobody).
	 * @param bytes the module bytes, not changed afterwards
	 * @return the decoding, to join or cancel
	 */
	static Forked<List<Section>> decodeSharedSections(byte[] bytes) {
		return Forked.start(() -> sharedSections(bytes, WasmSections.ofModule(bytes)));
	}

	/**
	 * Parses the meta module of module bytes: the bytes with the code section of the meta
	 * part, and its marker; without validation unless a body it keeps for the interpreter
	 * needs what the validator writes ({@link ValidatorHints}). The bytes are not copied
	 * but once, by the parser.
	 * @param bytes the original module bytes, whose digest is {@code digest}
	 * @param part the meta part made from those bytes by
	 * {@link #create(byte[], String, int, Set)}
	 * @param digest the digest of the original module, which the result carries
	 * @param namespace the namespace of the code the module is made for, which the result
	 * carries (see {@link #namespace}), or {@code null} for none
	 * @return the module
	 * @throws IllegalArgumentException if the meta part is not the one of this digest or
	 * does not fit the bytes
	 * @throws RuntimeException (Chicory's) if it is malformed
	 */
	public static WasmModule parse(byte[] bytes, byte[] part, String digest, @Nullable String namespace) {
		return parse(bytes, part, digest, namespace, null);
	}

	/**
	 * Parses the meta module of module bytes, as
	 * {@link #parse(byte[], byte[], String, String)} does, with the sections it shares
	 * with the bytes decoded already or being decoded.
	 * @param bytes the original module bytes, whose digest is {@code digest}
	 * @param part the meta part made from those bytes
	 * @param digest the digest of the original module
	 * @param namespace the namespace of the code the module is made for, or {@code null}
	 * @param shared the decoding of the shared sections started by
	 * {@link #decodeSharedSections(byte[])} for these bytes, or {@code null} to decode
	 * them now
	 * @return the module
	 */
	static WasmModule parse(byte[] bytes, byte[] part, String digest, @Nullable String namespace,
			@Nullable Forked<List<Section>> shared) {
		List<WasmSections.Section> partSections = WasmSections.of(part, 0);
		WasmSections.Section marker = (partSections.isEmpty()) ? null : partSections.get(0);
		String marked = (marker != null) ? customPayload(part, marker, MARKER) : null;
		if (!digest.equals(marked)) {
			throw new IllegalArgumentException("the meta part is "
					+ ((marked != null) ? "the one of " + marked : "not marked") + ", not the one of " + digest);
		}
		boolean validate = hasValidateFlag(part, partSections);
		int next = validate ? 2 : 1;
		WasmSections.Section code = (partSections.size() > next) ? partSections.get(next) : null;
		if (partSections.size() > next + 1 || (code != null && code.id() != SectionId.CODE)) {
			throw new IllegalArgumentException(
					"the meta part holds more than a marker, the validation flag and a code section");
		}
		List<WasmSections.Section> sections = WasmSections.ofModule(bytes);
		WasmSections.Section types = find(sections, SectionId.TYPE);
		WasmSections.Section originalCode = find(sections, SectionId.CODE);
		if (code == null && originalCode != null) {
			throw new IllegalArgumentException("the meta part has no code section, the module has one");
		}
		if (code != null && originalCode == null) {
			throw new IllegalArgumentException("the meta part has a code section, the module has none");
		}
		CodeSection codeSection = (code != null) ? MetaCode.decode(bytes, types, originalCode, part, code) : null;
		List<Section> decoded = new ArrayList<>((shared != null) ? shared.join() : sharedSections(bytes, sections));
		// Then what only the meta module has: its marker, and the namespace it is for.
		List<InputStream> slices = new ArrayList<>();
		slices.add(new ByteArrayInputStream(bytes, 0, WasmSections.HEADER));
		slices.add(new ByteArrayInputStream(part, marker.start(), marker.length()));
		if (namespace != null) {
			ByteArrayOutputStream section = new ByteArrayOutputStream();
			writeSection(section, SectionId.CUSTOM, custom(NAMESPACE, namespace));
			slices.add(new ByteArrayInputStream(section.toByteArray()));
		}
		decoded.addAll(ModuleParser.sections(new SequenceInputStream(Collections.enumeration(slices)), false));
		// The validator writes into some instructions what the interpreter needs to run
		// them: without it, a kept body could give other results on a hit than on a
		// miss. Whether it would was decided when the entry was made; stubs are valid for
		// any type.
		return ModuleParser.build(decoded, digest, validate && codeSection != null, codeSection);
	}

	/**
	 * Decodes the sections of module bytes but the code section, without validation.
	 * @param bytes the module bytes
	 * @param sections where their sections are ({@link WasmSections#ofModule})
	 */
	private static List<Section> sharedSections(byte[] bytes, List<WasmSections.Section> sections) {
		List<InputStream> slices = new ArrayList<>();
		slices.add(new ByteArrayInputStream(bytes, 0, WasmSections.HEADER));
		DataSegments data = null;
		for (WasmSections.Section section : sections) {
			// Unless the data section cannot be prepared, its data (which can be most of
			// the bytes) goes around the parser, which would copy it four to five times.
			DataSegments prepared = (section.id() == SectionId.DATA) ? DataSegments.prepare(bytes, section) : null;
			if (prepared != null) {
				data = prepared;
				slices.add(new ByteArrayInputStream(prepared.section()));
			}
			else if (section.id() != SectionId.CODE) {
				slices.add(new ByteArrayInputStream(bytes, section.start(), section.length()));
			}
		}
		List<Section> decoded = ModuleParser.sections(new SequenceInputStream(Collections.enumeration(slices)), false);
		if (data != null) {
			for (int i = 0; i < decoded.size(); i++) {
				if (decoded.get(i) instanceof DataSection section) {
					decoded.set(i, data.withData(section, bytes));
				}
			}
		}
		return decoded;
	}

	private static WasmSections.@Nullable Section find(List<WasmSections.Section> sections, int id) {
		for (WasmSections.Section section : sections) {
			if (section.id() == id) {
				return section;
			}
		}
		return null;
	}

	/**
	 * Returns whether a module was parsed from a meta module: it carries the marker, and
	 * the marker holds the module's digest (a module of its own can have a custom section
	 * of that name, but not one that holds the digest of its own bytes).
	 * @param module the module
	 * @return whether its compiled functions lack their bodies
	 */
	public static boolean isMeta(WasmModule module) {
		String digest = module.digest();
		return digest != null && module.customSection(MARKER) instanceof UnknownCustomSection marker
				&& digest.equals(new String(marker.bytes(), StandardCharsets.UTF_8));
	}

	/**
	 * Returns the namespace of the code a meta module was made for.
	 * @param module the module
	 * @return the namespace, or {@code null} if the module is no meta module or carries
	 * none
	 */
	public static @Nullable String namespace(WasmModule module) {
		return (isMeta(module) && module.customSection(NAMESPACE) instanceof UnknownCustomSection section)
				? new String(section.bytes(), StandardCharsets.UTF_8) : null;
	}

	/**
	 * Returns the number of functions of a module, imported ones included.
	 * @param module the module
	 * @return the size of the function index space
	 */
	public static int functionCount(WasmModule module) {
		return module.importSection().count(ExternalType.FUNCTION) + module.functionSection().functionCount();
	}

	private static void writeSection(ByteArrayOutputStream out, int id, byte[] contents) {
		out.write(id);
		WasmWriter.writeVarUInt32(out, contents.length);
		out.writeBytes(contents);
	}

	private static byte[] custom(String sectionName, String contents) {
		byte[] name = sectionName.getBytes(StandardCharsets.UTF_8);
		byte[] payload = contents.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		WasmWriter.writeVarUInt32(out, name.length);
		out.writeBytes(name);
		out.writeBytes(payload);
		return out.toByteArray();
	}

	/**
	 * Reads what a custom section of a given name holds (the digest of a marker, say),
	 * without Chicory's parser.
	 * @return the payload, or {@code null} if the section is no custom section of that
	 * name
	 */
	private static @Nullable String customPayload(byte[] part, WasmSections.Section section, String name) {
		if (section.id() != SectionId.CUSTOM) {
			return null;
		}
		ByteBuffer contents = ByteBuffer.wrap(part, section.contentsStart(), section.end() - section.contentsStart());
		try {
			int nameLength = WasmSections.readVarUInt32(contents);
			byte[] expected = name.getBytes(StandardCharsets.UTF_8);
			if (nameLength != expected.length || contents.remaining() < nameLength || !Arrays.equals(part,
					contents.position(), contents.position() + nameLength, expected, 0, nameLength)) {
				return null;
			}
			int payload = contents.position() + nameLength;
			return new String(part, payload, section.end() - payload, StandardCharsets.UTF_8);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
