package io.github.chicorycache.compiler;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.DataCountSection;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.ElementSection;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.FunctionSection;
import com.dylibso.chicory.wasm.types.GlobalSection;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.Section;
import com.dylibso.chicory.wasm.types.SectionId;
import com.dylibso.chicory.wasm.types.StartSection;
import com.dylibso.chicory.wasm.types.TableSection;
import com.dylibso.chicory.wasm.types.TagSection;
import com.dylibso.chicory.wasm.types.TypeSection;
import org.jspecify.annotations.Nullable;

/**
 * Not API: parses module bytes with Chicory's {@link Parser} into a module that carries a
 * digest computed beforehand, so that the parser does not hash the bytes again (or, for a
 * {@link MetaModule}, so that the module carries the digest of the original bytes).
 */
public final class ModuleParser {

	private ModuleParser() {
	}

	/**
	 * Parses module bytes.
	 * @param bytes the module bytes
	 * @param digest the digest the module carries, or {@code null} for none
	 * @param validate whether to validate the module, as {@code Parser.parse} does
	 * @return the module
	 * @throws com.dylibso.chicory.wasm.ChicoryException (Chicory's) if the bytes are no
	 * valid module
	 */
	public static WasmModule parse(byte[] bytes, @Nullable String digest, boolean validate) {
		return parse(new ByteArrayInputStream(bytes), digest, validate);
	}

	/**
	 * Parses module bytes from a stream.
	 * @param bytes the module bytes
	 * @param digest the digest the module carries, or {@code null} for none
	 * @param validate whether to validate the module, as {@code Parser.parse} does
	 * @return the module
	 * @throws com.dylibso.chicory.wasm.ChicoryException (Chicory's) if the bytes are no
	 * valid module
	 */
	public static WasmModule parse(InputStream bytes, @Nullable String digest, boolean validate) {
		return parse(bytes, digest, validate, null);
	}

	/**
	 * Parses module bytes from a stream that lacks the code section, with a code section
	 * decoded apart.
	 * @param bytes the module bytes, without a code section if {@code code} is given
	 * @param digest the digest the module carries, or {@code null} for none
	 * @param validate whether to validate the module, as {@code Parser.parse} does
	 * @param code the code section of the module, or {@code null} to parse it from the
	 * bytes
	 * @return the module
	 * @throws com.dylibso.chicory.wasm.ChicoryException (Chicory's) if the bytes are no
	 * valid module
	 * @throws IllegalArgumentException if a code section is given and the bytes have one
	 * too
	 */
	public static WasmModule parse(InputStream bytes, @Nullable String digest, boolean validate,
			@Nullable CodeSection code) {
		return build(sections(bytes, validate), digest, validate, code);
	}

	/**
	 * Decodes the sections of module bytes, to make a module of them with {@link #build},
	 * so that the sections of one module can be decoded in parts, on different threads.
	 * @param bytes the module bytes
	 * @param validate whether the module will be validated (Chicory's parser validates
	 * when the module is built, so this can be decided later: it is passed on for a
	 * parser that would also check while it decodes)
	 * @return the sections, in the order of the bytes
	 * @throws com.dylibso.chicory.wasm.ChicoryException (Chicory's) if the bytes are
	 * malformed
	 */
	static List<Section> sections(InputStream bytes, boolean validate) {
		List<Section> sections = new ArrayList<>();
		Parser.builder().withValidation(validate).build().parse(bytes, sections::add);
		return sections;
	}

	/**
	 * Makes a module of decoded sections, as Chicory's parser does.
	 * @param sections the sections, in the order of the bytes
	 * @param digest the digest the module carries, or {@code null} for none
	 * @param validate whether to validate the module, as {@code Parser.parse} does
	 * @param code the code section of the module, or {@code null} if the sections hold it
	 * or the module has none
	 * @return the module
	 * @throws com.dylibso.chicory.wasm.ChicoryException (Chicory's) if the module is
	 * invalid
	 * @throws IllegalArgumentException if a code section is given and the sections hold
	 * one too
	 */
	static WasmModule build(List<Section> sections, @Nullable String digest, boolean validate,
			@Nullable CodeSection code) {
		WasmModule.Builder module = WasmModule.builder().withValidation(validate);
		if (digest != null) {
			module.withDigest(digest);
		}
		for (Section section : sections) {
			if (code != null && section.sectionId() == SectionId.CODE) {
				throw new IllegalArgumentException("the bytes have a code section, and one was given");
			}
			add(module, section);
		}
		if (code != null) {
			module.setCodeSection(code);
		}
		return module.build();
	}

	/**
	 * Adds a parsed section to a module, as Chicory's parser does.
	 */
	private static void add(WasmModule.Builder module, Section section) {
		switch (section.sectionId()) {
			case SectionId.CUSTOM -> {
				CustomSection custom = (CustomSection) section;
				module.addCustomSection(custom.name(), custom);
			}
			case SectionId.TYPE -> module.setTypeSection((TypeSection) section);
			case SectionId.IMPORT -> module.setImportSection((ImportSection) section);
			case SectionId.FUNCTION -> module.setFunctionSection((FunctionSection) section);
			case SectionId.TABLE -> module.setTableSection((TableSection) section);
			case SectionId.MEMORY -> module.setMemorySection((MemorySection) section);
			case SectionId.GLOBAL -> module.setGlobalSection((GlobalSection) section);
			case SectionId.EXPORT -> module.setExportSection((ExportSection) section);
			case SectionId.START -> module.setStartSection((StartSection) section);
			case SectionId.ELEMENT -> module.setElementSection((ElementSection) section);
			case SectionId.CODE -> module.setCodeSection((CodeSection) section);
			case SectionId.DATA -> module.setDataSection((DataSection) section);
			case SectionId.DATA_COUNT -> module.setDataCountSection((DataCountSection) section);
			case SectionId.TAG -> module.setTagSection((TagSection) section);
			default -> module.addIgnoredSection(section.sectionId());
		}
	}

}
