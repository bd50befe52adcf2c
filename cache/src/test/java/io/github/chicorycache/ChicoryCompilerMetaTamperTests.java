package io.github.chicorycache;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.runtime.Instance;
import io.github.chicorycache.compiler.CompiledJarVerifier;
import io.github.chicorycache.compiler.EntryJar;
import io.github.chicorycache.compiler.MetaModule;
import io.github.chicorycache.testsupport.MapCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.github.chicorycache.CompilerFixtures.call;
import static io.github.chicorycache.CompilerFixtures.compilerBuilder;
import static io.github.chicorycache.CompilerFixtures.directoryCache;
import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.small;
import static io.github.chicorycache.WasmBytes.concat;
import static io.github.chicorycache.WasmBytes.customSection;
import static io.github.chicorycache.WasmBytes.leb;
import static io.github.chicorycache.WasmBytes.section;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Meta parts tampered with in ways that pass the entry's checks (the JAR is readable and
 * bound to the module): whatever the meta part holds, {@link ChicoryCompiler#load} parses
 * no code that was not validated with the module bytes; a part whose code does not fit
 * the bytes is replaced and the caller gets the module's own results. (Whether a meta
 * module is validated is the entry's say, trusted as its classes are: see
 * {@code ChicoryCompilerValidateFlagTests}.)
 */
@ExtendWith(QuietCacheLog.class)
class ChicoryCompilerMetaTamperTests {

	/**
	 * {@code f<i>(x) = x + i + 1}, 8 functions.
	 */
	private static final byte[] MODULE = small(1);

	private static final String DIGEST = parse(MODULE).digest();

	/**
	 * The body of a compiled function in a meta part: no locals, unreachable, end.
	 */
	private static final byte[] STUB = { 0x00, 0x00, 0x0B };

	@TempDir
	Path root;

	enum Tampering {

		/** The marker of another digest. */
		OTHER_DIGEST((part) -> concat(marker(DIGEST.substring(0, DIGEST.length() - 2) + "AA"), code(STUB, 8))),
		/** The code section without marker. */
		NO_MARKER((part) -> code(STUB, 8)),
		/** The marker alone: the parser would take the module's bodies unvalidated. */
		MARKER_ONLY((part) -> marker(DIGEST)),
		/** Nothing. */
		EMPTY((part) -> new byte[0]),
		/** One body fewer. */
		FEWER_BODIES((part) -> concat(marker(DIGEST), code(STUB, 7))),
		/** One body more. */
		MORE_BODIES((part) -> concat(marker(DIGEST), code(STUB, 9))),
		/** No body. */
		NO_BODIES((part) -> concat(marker(DIGEST), code(STUB, 0))),
		/** As many bodies, of undecodable code. */
		GARBAGE_BODIES((part) -> concat(marker(DIGEST), code(new byte[] { 0x00, (byte) 0xFF, (byte) 0xFE, 0x0B }, 8))),
		/**
		 * As many bodies, of valid code that is not the module's ({@code i32.const 42}).
		 */
		OTHER_BODIES((part) -> concat(marker(DIGEST), code(new byte[] { 0x00, 0x41, 0x2A, 0x0B }, 8))),
		/**
		 * As many bodies, declaring millions of locals: decoding them costs the parser
		 * seconds and hundreds of megabytes (a meta part of a few hundred kilobytes takes
		 * minutes and all the heap).
		 */
		LOCALS_BOMB((part) -> concat(marker(DIGEST), code(localsBomb(50), 8))),
		/** A section after the code section. */
		EXTRA_SECTION((part) -> concat(part, section(0, new byte[] { 1, 'x' }))),
		/** The code section's size cut short. */
		TRUNCATED_SIZE((part) -> concat(marker(DIGEST), new byte[] { 10, (byte) 0x80 })),
		/** A code section's size past the end of the part. */
		SIZE_PAST_END((part) -> concat(marker(DIGEST), new byte[] { 10, 0x7F, 0x01 })),
		/** A code section's size past 4 GiB. */
		HUGE_SIZE((part) -> concat(marker(DIGEST),
				new byte[] { 10, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F })),
		/** A count of bodies of hundreds of millions. */
		HUGE_BODY_COUNT((part) -> concat(marker(DIGEST), section(10, concat(leb(0xFFFFFFF), leb(3), STUB)))),
		/** A body's size past the end of its section. */
		BODY_PAST_END((part) -> concat(marker(DIGEST), section(10, concat(leb(1), leb(0x7FFF), STUB)))),
		/**
		 * As many stubs, then a byte after the last body (which the parser never reads:
		 * the code section is made from the bodies).
		 */
		TRAILING_BYTES(
				(part) -> concat(marker(DIGEST), section(10, concat(codeContents(STUB, 8), new byte[] { 0x0B }))));

		final UnaryOperator<byte[]> tamper;

		Tampering(UnaryOperator<byte[]> tamper) {
			this.tamper = tamper;
		}

	}

	@ParameterizedTest
	@EnumSource(Tampering.class)
	void aTamperedMetaPartIsReplacedAndTheCallerGetsTheModulesResults(Tampering tampering) throws Exception {
		MachineFactoryCompilerCustomizer none = (builder) -> {
		};
		DirectoryCache cache = storeTampered(MODULE, none, tampering.tamper);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		LoadedModule loaded = compiler.load(MODULE);
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(loaded.event().recovered()).isTrue();
		assertThat(compiler.stats().recovered()).isOne();
		assertThat(compiler.stats().failures()).isZero();
		for (int i = 0; i < 8; i++) {
			assertThat(call(loaded.module(), loaded.machineFactory(), i, 10)).isEqualTo(10 + i + 1);
		}
		LoadedModule healed = compilerBuilder().withCache(cache).build().load(MODULE);
		assertThat(healed.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(healed.event().recovered()).isFalse();
		assertThat(call(healed.module(), healed.machineFactory(), 7, 10)).isEqualTo(18);
	}

	@Test
	void anInterpretedBodyReplacedByOtherValidCodeIsReplacedNotRun() throws Exception {
		byte[] huge = CompilerFixtures.hugeFunctionModule(60_000);
		String digest = parse(huge).digest();
		MachineFactoryCompilerCustomizer silent = (builder) -> builder
			.withInterpreterFallback(InterpreterFallback.SILENT);
		// f1 is interpreted: its body becomes local.get 0; end
		DirectoryCache cache = storeTampered(huge, silent,
				(part) -> concat(marker(digest), code(STUB, new byte[] { 0x00, 0x20, 0x00, 0x0B }, STUB)));
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).withCustomizer(silent).build();
		LoadedModule loaded = compiler.load(huge);
		assertThat(loaded.event().recovered()).isTrue();
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.COMPILER);
		Instance instance = loaded.instanceBuilder().build();
		assertThat(instance.export("f1").apply(1)[0]).isEqualTo(60_002);
		assertThat(instance.export("f2").apply(1)[0]).isEqualTo(60_004);
	}

	/**
	 * Stores, in a new directory cache, the entry of a module with its meta part tampered
	 * with, bound to the module as the compiler binds its entries.
	 */
	private DirectoryCache storeTampered(byte[] bytes, MachineFactoryCompilerCustomizer customizer,
			UnaryOperator<byte[]> tamper) throws Exception {
		MapCache recorder = new MapCache();
		compilerBuilder().withCache(recorder).withCustomizer(customizer).build().load(bytes);
		byte[] valid = recorder.singleValue();
		byte[] part = EntryJar.read(valid).metaPart();
		assertThat(part).isNotNull();
		byte[] tampered = CompilerFixtures.with(valid, EntryJar.META_PART, tamper.apply(part));
		DirectoryCache cache = directoryCache(this.root);
		String namespace = compilerBuilder().withCache(cache).withCustomizer(customizer).build().namespace();
		String digest = parse(bytes).digest();
		byte[] bound = CompiledJarVerifier.bind(tampered, CompiledJarVerifier.binding(namespace, digest));
		// it passes the entry's checks
		assertThat(CompiledJarVerifier.verify(bound, CompiledJarVerifier.binding(namespace, digest)).metaPart())
			.isEqualTo(tamper.apply(part));
		cache.namespace(namespace).putIfAbsent(digest, bound);
		return cache;
	}

	private static byte[] localsBomb(int groups) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(leb(groups));
		for (int i = 0; i < groups; i++) {
			// 50,000 locals of type i32, the most the parser takes in one group
			body.writeBytes(leb(50_000));
			body.write(0x7F);
		}
		body.write(0x0B);
		return body.toByteArray();
	}

	private static byte[] code(byte[] body, int count) {
		return section(10, codeContents(body, count));
	}

	private static byte[] code(byte[]... bodies) {
		return section(10, codeContents(bodies));
	}

	private static byte[] codeContents(byte[] body, int count) {
		byte[][] bodies = new byte[count][];
		java.util.Arrays.fill(bodies, body);
		return codeContents(bodies);
	}

	private static byte[] codeContents(byte[]... bodies) {
		ByteArrayOutputStream contents = new ByteArrayOutputStream();
		contents.writeBytes(leb(bodies.length));
		for (byte[] body : bodies) {
			contents.writeBytes(leb(body.length));
			contents.writeBytes(body);
		}
		return contents.toByteArray();
	}

	private static byte[] marker(String digest) {
		return customSection(MetaModule.MARKER, digest);
	}

}
