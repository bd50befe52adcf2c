package io.github.chicorycache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import io.github.chicorycache.CompilerFixtures.RecordingListener;
import io.github.chicorycache.compiler.CompiledJarVerifier;
import io.github.chicorycache.compiler.EntryJar;
import io.github.chicorycache.compiler.MetaModule;
import io.github.chicorycache.testsupport.MapCache;
import io.github.chicorycache.testsupport.RealModules;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.github.chicorycache.CompilerFixtures.call;
import static io.github.chicorycache.CompilerFixtures.compilerBuilder;
import static io.github.chicorycache.CompilerFixtures.directoryCache;
import static io.github.chicorycache.CompilerFixtures.entryFiles;
import static io.github.chicorycache.CompilerFixtures.parse;
import static io.github.chicorycache.CompilerFixtures.small;
import static io.github.chicorycache.WasmBytes.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link ChicoryCompiler#load(byte[])}: bytes to a ready module with as little work as
 * the cache allows, and the same results on every path.
 */
class ChicoryCompilerLoadTests {

	/**
	 * {@code f<i>(x) = x + i + 1}, 8 functions.
	 */
	private static final byte[] MODULE = small(1);

	@TempDir
	Path root;

	@Test
	void aMissParsesWithValidationCompilesAndStoresTheCodeWithAMetaModule() throws Exception {
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		LoadedModule loaded = compiler.load(MODULE);
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(loaded.event().digest()).isEqualTo(parse(MODULE).digest());
		assertThat(loaded.module().digest()).isEqualTo(parse(MODULE).digest());
		assertThat(loaded.module()).isEqualTo(parse(MODULE));
		assertThat(MetaModule.isMeta(loaded.module())).isFalse();
		assertThat(call(loaded.module(), loaded.machineFactory(), 3, 10)).isEqualTo(14);
		assertThat(CompilerFixtures.call(loaded.instanceBuilder().build(), 7, 1)).isEqualTo(9);

		byte[] entry = cache.namespace(compiler.namespace()).get(loaded.module().digest());
		EntryJar.Contents contents = EntryJar.read(entry);
		assertThat(contents.metaPart()).isNotNull();
		assertThat(contents.functions()).isEqualTo(8);
		assertThat(contents.listedClasses()).containsExactlyInAnyOrderElementsOf(contents.classes().keySet());
		assertThat(loaded.event().bytes()).isEqualTo(contents.classBytes());
	}

	@Test
	void aModuleOfItsOwnWithACustomSectionNamedLikeTheMarkerIsNoMetaModule() {
		// small(1) with a custom section named like the marker, holding something else
		byte[] name = MetaModule.MARKER.getBytes(StandardCharsets.UTF_8);
		byte[] payload = "sha-256:not-this-module=".getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		bytes.writeBytes(MODULE);
		bytes.write(0);
		bytes.write(1 + name.length + payload.length);
		bytes.write(name.length);
		bytes.writeBytes(name);
		bytes.writeBytes(payload);
		byte[] marked = bytes.toByteArray();
		assertThat(parse(marked).customSection(MetaModule.MARKER)).isNotNull();
		assertThat(MetaModule.isMeta(parse(marked))).isFalse();

		LoadedModule compiled = compilerBuilder().withCache(directoryCache(this.root)).build().load(marked);
		assertThat(compiled.event().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(call(compiled.module(), compiled.machineFactory(), 3, 10)).isEqualTo(14);
		LoadedModule hit = compilerBuilder().withCache(directoryCache(this.root)).build().load(marked);
		assertThat(hit.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(MetaModule.isMeta(hit.module())).isTrue();
		assertThat(call(hit.module(), hit.machineFactory(), 3, 10)).isEqualTo(14);
	}

	@Test
	void aDiskHitMakesTheModuleFromTheStoredMetaModule() {
		DirectoryCache cache = directoryCache(this.root);
		compilerBuilder().withCache(cache).build().load(MODULE);

		ChicoryCompiler restarted = compilerBuilder().withCache(directoryCache(this.root)).build();
		LoadedModule loaded = restarted.load(MODULE);
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(loaded.event().recovered()).isFalse();
		WasmModule module = loaded.module();
		assertThat(MetaModule.isMeta(module)).isTrue();
		assertThat(module.digest()).isEqualTo(parse(MODULE).digest());
		assertThat(module.exportSection().exportCount()).isEqualTo(8);
		// the compiled bodies are not there: unreachable, end
		assertThat(module.codeSection().getFunctionBody(3).instructions())
			.extracting((instruction) -> instruction.opcode())
			.containsExactly(OpCode.UNREACHABLE, OpCode.END);
		for (int i = 0; i < 8; i++) {
			assertThat(call(module, loaded.machineFactory(), i, 100)).isEqualTo(100 + i + 1);
		}
	}

	@Test
	void theSameBytesLoadedAgainInThisJvmAreNotParsedAgain() {
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		byte[] bytes = MODULE.clone();
		LoadedModule first = compiler.load(bytes);
		// the compiler took a copy
		bytes[bytes.length - 2] ^= 0x7F;
		LoadedModule second = compiler.load(MODULE);
		assertThat(second.event().source()).isEqualTo(CompilationSource.MEMORY);
		assertThat(second.module()).isSameAs(first.module());
		assertThat(call(second.module(), second.machineFactory(), 5, 5)).isEqualTo(11);
		assertThat(call(first.module(), first.machineFactory(), 5, 5)).isEqualTo(11);
		assertThat(compiler.stats().compilations(CompilationSource.MEMORY)).isOne();
		assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isOne();
	}

	@Test
	void loadReadsPathsAndStreams() throws IOException {
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root.resolve("cache"))).build();
		Path file = Files.write(this.root.resolve("module.wasm"), MODULE);
		LoadedModule fromFile = compiler.load(file);
		assertThat(fromFile.event().source()).isEqualTo(CompilationSource.COMPILER);
		LoadedModule fromStream = compiler.load(new ByteArrayInputStream(MODULE));
		assertThat(fromStream.event().source()).isEqualTo(CompilationSource.MEMORY);
		assertThat(fromStream.module()).isSameAs(fromFile.module());
		assertThat(call(fromStream.module(), fromStream.machineFactory(), 2, 2)).isEqualTo(5);
	}

	@Test
	void machineFactoryAndLoadShareTheCompiledCode() {
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		LoadedModule loaded = compiler.load(MODULE);
		Compilation reused = compiler.compile(loaded.module());
		assertThat(reused.event().source()).isEqualTo(CompilationSource.MEMORY);
		assertThat(call(loaded.module(), reused.machineFactory(), 1, 1)).isEqualTo(3);

		// a module compiled by machineFactory first: load parses it, without compiling
		byte[] other = small(2);
		compiler.machineFactory(parse(other));
		LoadedModule afterwards = compiler.load(other);
		assertThat(afterwards.event().source()).isEqualTo(CompilationSource.MEMORY);
		assertThat(call(afterwards.module(), afterwards.machineFactory(), 1, 1)).isEqualTo(4);
		assertThat(compiler.load(other).module()).isSameAs(afterwards.module());
	}

	@Test
	void aDiskHitOfMachineFactoryIgnoresTheMetaModuleAndLoadParsesAnEntryWithout() {
		compilerBuilder().withCache(directoryCache(this.root)).build().load(MODULE);
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		WasmModule parsed = parse(MODULE);
		Compilation compiled = compiler.compile(parsed);
		assertThat(compiled.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(call(parsed, compiled.machineFactory(), 6, 0)).isEqualTo(7);

		// an entry stored by machineFactory has no meta module: load parses in full
		byte[] other = small(3);
		compilerBuilder().withCache(directoryCache(this.root)).build().machineFactory(parse(other));
		LoadedModule loaded = compilerBuilder().withCache(directoryCache(this.root)).build().load(other);
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(MetaModule.isMeta(loaded.module())).isFalse();
		assertThat(loaded.module()).isEqualTo(parse(other));
		assertThat(call(loaded.module(), loaded.machineFactory(), 6, 0)).isEqualTo(9);
	}

	@Test
	void aMetaModuleIsNeverCompiled() {
		compilerBuilder().withCache(directoryCache(this.root)).build().load(MODULE);
		DirectoryCache cache = directoryCache(this.root);
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).build();
		WasmModule meta = compiler.load(MODULE).module();
		assertThat(MetaModule.isMeta(meta)).isTrue();
		// while the entry exists, its code serves the meta module too
		ChicoryCompiler other = compilerBuilder().withCache(directoryCache(this.root)).build();
		assertThat(call(meta, other.machineFactory(meta), 4, 4)).isEqualTo(9);

		assertThat(compiler.evict(meta.digest())).isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> compiler.machineFactory(meta))
			.withMessageContaining("meta module")
			.withMessageContaining("load");
		assertThat(compiler.stats().failures()).isOne();
		assertThat(entryFiles(this.root)).isEmpty();
	}

	@Test
	void aMetaModuleIsNotServedByTheCodeOfOtherOptions() {
		// default options compile every function: every body is a stub in the meta module
		compilerBuilder().withCache(directoryCache(this.root)).build().load(MODULE);
		WasmModule meta = compilerBuilder().withCache(directoryCache(this.root)).build().load(MODULE).module();
		assertThat(MetaModule.isMeta(meta)).isTrue();
		// options that leave function 2 to the interpreter, with their code of the module
		// in memory and on disk: it would run the stub of function 2 and trap
		MachineFactoryCompilerCustomizer interpretTwo = (builder) -> builder.withInterpretedFunctions(Set.of(2));
		ChicoryCompiler other = compilerBuilder().withCache(directoryCache(this.root))
			.withCustomizer(interpretTwo)
			.build();
		other.machineFactory(parse(MODULE));
		ChicoryCompiler restarted = compilerBuilder().withCache(directoryCache(this.root))
			.withCustomizer(interpretTwo)
			.build();
		for (ChicoryCompiler compiler : List.of(other, restarted)) {
			assertThatIllegalArgumentException().isThrownBy(() -> compiler.machineFactory(meta))
				.withMessageContaining("meta module")
				.withMessageContaining("other compiler options")
				.withMessageContaining("load");
			assertThat(compiler.stats().failures()).isOne();
		}
		// the bytes load with these options, their meta module keeps the body of function
		// 2
		LoadedModule loaded = restarted.load(MODULE);
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(call(loaded.module(), loaded.machineFactory(), 2, 1)).isEqualTo(4);
		assertThat(call(loaded.module(), restarted.machineFactory(loaded.module()), 2, 1)).isEqualTo(4);
		// and the code of the options that made a meta module still serves it
		ChicoryCompiler same = compilerBuilder().withCache(directoryCache(this.root)).build();
		assertThat(call(meta, same.machineFactory(meta), 2, 1)).isEqualTo(4);
	}

	/**
	 * Damage to the meta module of an entry that passes the entry's checks.
	 */
	enum MetaDamage {

		/** Random bytes. */
		GARBAGE,
		/** Cut short. */
		TRUNCATED,
		/** The meta module of another module of the same shape. */
		OTHER_MODULES,
		/** The entry records another number of functions than its meta module has. */
		FUNCTION_COUNT

	}

	@ParameterizedTest
	@EnumSource(MetaDamage.class)
	void aDamagedOrInconsistentMetaModuleIsReplacedLikeAnyDamagedEntry(MetaDamage damage) throws Exception {
		MapCache recorder = new MapCache();
		ChicoryCompiler writer = compilerBuilder().withCache(recorder).build();
		WasmModule module = writer.load(MODULE).module();
		byte[] valid = recorder.singleValue();
		byte[] meta = EntryJar.read(valid).metaPart();
		byte[] damaged = switch (damage) {
			case GARBAGE -> CompilerFixtures.with(valid, EntryJar.META_PART, CompilerFixtures.garbage(meta.length, 5));
			case TRUNCATED ->
				CompilerFixtures.with(valid, EntryJar.META_PART, java.util.Arrays.copyOf(meta, meta.length / 2));
			case OTHER_MODULES -> {
				MapCache other = new MapCache();
				compilerBuilder().withCache(other).build().load(small(2));
				yield CompilerFixtures.with(valid, EntryJar.META_PART, EntryJar.read(other.singleValue()).metaPart());
			}
			case FUNCTION_COUNT -> CompilerFixtures.transform(valid, EntryJar.ENTRY_PROPERTIES,
					(properties) -> new String(properties).replace("functions=8", "functions=9").getBytes());
		};
		DirectoryCache cache = directoryCache(this.root);
		RecordingListener listener = new RecordingListener();
		ChicoryCompiler compiler = compilerBuilder().withCache(cache).withListener(listener).build();
		String binding = CompiledJarVerifier.binding(compiler.namespace(), module.digest());
		cache.namespace(compiler.namespace()).putIfAbsent(module.digest(), CompiledJarVerifier.bind(damaged, binding));

		LoadedModule loaded = compiler.load(MODULE);
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(loaded.event().recovered()).isTrue();
		assertThat(call(loaded.module(), loaded.machineFactory(), 3, 10)).isEqualTo(14);
		assertThat(compiler.stats().recovered()).isOne();
		assertThat(cache.stats().corruptEntries()).isOne();

		LoadedModule healed = compilerBuilder().withCache(directoryCache(this.root)).build().load(MODULE);
		assertThat(healed.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(MetaModule.isMeta(healed.module())).isTrue();
		assertThat(call(healed.module(), healed.machineFactory(), 3, 10)).isEqualTo(14);
	}

	@Test
	void invalidBytesFailAsTheParserFailsAndAreCounted() {
		byte[] invalid = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x7F };
		Throwable bare = catchThrowable(() -> Parser.parse(invalid));
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		assertThat(catchThrowable(() -> compiler.load(invalid))).isInstanceOf(ChicoryException.class)
			.hasSameClassAs(bare);
		assertThat(compiler.stats().failures()).isOne();
		assertThat(entryFiles(this.root)).isEmpty();
	}

	@Test
	void aModuleTheCompilerCannotCompileFailsWithChicorysExceptionAndLeavesNothing() {
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root)).build();
		assertThat(catchThrowable(() -> compiler.load(WasmModuleWriter.simd()))).isInstanceOf(ChicoryException.class);
		assertThat(compiler.stats().failures()).isOne();
		assertThat(entryFiles(this.root)).isEmpty();
	}

	@Test
	void fixedInterpretedFunctionsKeepTheirBodiesInTheMetaModule() {
		MachineFactoryCompilerCustomizer interpretTwo = (builder) -> builder.withInterpretedFunctions(Set.of(2));
		compilerBuilder().withCache(directoryCache(this.root)).withCustomizer(interpretTwo).build().load(MODULE);
		LoadedModule loaded = compilerBuilder().withCache(directoryCache(this.root))
			.withCustomizer(interpretTwo)
			.build()
			.load(MODULE);
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(opcodes(loaded.module(), 2)).isEqualTo(opcodes(parse(MODULE), 2)).hasSizeGreaterThan(2);
		assertThat(loaded.module().codeSection().getFunctionBody(1).instructions()).hasSize(2);
		assertAllPathsAgree(MODULE, interpretTwo, (module, factory) -> List.of(call(module, factory, 1, 1),
				call(module, factory, 2, 1), call(module, factory, 3, 1)));
	}

	@Test
	void aFunctionTooLargeForTheJvmIsInterpretedFromTheMetaModule() {
		byte[] huge = CompilerFixtures.hugeFunctionModule(60_000);
		MachineFactoryCompilerCustomizer silent = (builder) -> builder
			.withInterpreterFallback(InterpreterFallback.SILENT);
		List<Integer> results = assertAllPathsAgree(huge, silent, (module, factory) -> {
			Instance instance = Instance.builder(module).withMachineFactory(factory).build();
			return List.of((int) instance.export("f0").apply(1)[0], (int) instance.export("f1").apply(1)[0],
					(int) instance.export("f2").apply(1)[0]);
		});
		assertThat(results).containsExactly(2, 60_002, 60_004);
		compilerBuilder().withCache(directoryCache(this.root)).withCustomizer(silent).build().load(huge);
		LoadedModule loaded = compilerBuilder().withCache(directoryCache(this.root))
			.withCustomizer(silent)
			.build()
			.load(huge);
		assertThat(loaded.event().source()).isEqualTo(CompilationSource.DISK);
		assertThat(loaded.module().codeSection().getFunctionBody(1).instructions()).hasSizeGreaterThan(60_000);
		assertThat(loaded.module().codeSection().getFunctionBody(0).instructions()).hasSize(2);
	}

	@Test
	void interpretedBodiesThatNeedTheValidatorRunAsOnAMiss() {
		// ref.test and a drop of a v128 run with what the validator writes into them
		byte[] bytes = CompilerFixtures.contextDependentModule();
		List<Long> results = assertAllPathsAgree(bytes,
				(builder) -> builder.withInterpretedFunctions(Set.of(0, 1, 2, 3)), (module, factory) -> {
					Instance instance = Instance.builder(module).withMachineFactory(factory).build();
					return List.of(instance.export("f0").apply()[0], instance.export("f1").apply()[0],
							instance.export("f2").apply()[0], instance.export("f3").apply()[0]);
				});
		assertThat(results).containsExactly(1L, 2L, 1L, 3L);
	}

	@Test
	void aFunctionTooLargeForTheJvmAfterAnImportedOneIsInterpretedFromTheMetaModule() {
		// Chicory numbers the functions it leaves to the interpreter after the imported
		// ones: function 2, the second body, is kept, and calls both ways still work
		byte[] huge = CompilerFixtures.hugeFunctionModuleAfterAnImport(60_000);
		MachineFactoryCompilerCustomizer silent = (builder) -> builder
			.withInterpreterFallback(InterpreterFallback.SILENT);
		ImportValues imports = ImportValues.builder()
			.addFunction(new HostFunction("env", "g", FunctionType.of(List.of(ValType.I32), List.of(ValType.I32)),
					(instance, args) -> new long[] { args[0] * 3 }))
			.build();
		Function<Instance, List<Long>> calls = (instance) -> List.of(instance.export("f0").apply(7)[0],
				instance.export("f1").apply(7)[0], instance.export("f2").apply(7)[0]);
		Paths<List<Long>> paths = allPaths(huge, silent, false, (module, factory) -> calls
			.apply(Instance.builder(module).withMachineFactory(factory).withImportValues(imports).build()));
		assertThat(paths.results()).containsExactly(22L, 60_022L, 60_044L)
			.isEqualTo(calls.apply(Instance.builder(parse(huge)).withImportValues(imports).build()));
		WasmModule meta = paths.diskHit().module();
		assertThat(meta.codeSection().getFunctionBody(1).instructions()).hasSizeGreaterThan(60_000);
		assertThat(opcodes(meta, 0)).containsExactly(OpCode.UNREACHABLE, OpCode.END);
		assertThat(opcodes(meta, 2)).containsExactly(OpCode.UNREACHABLE, OpCode.END);
	}

	@Test
	void aKeptBodyThatUsesTheDataCountRunsFromTheMetaModule() {
		// f0 (memory.init) is interpreted, f1 (data.drop) compiled: both see one segment
		byte[] bytes = CompilerFixtures.dataCountModule();
		MachineFactoryCompilerCustomizer interpretFirst = (builder) -> builder.withInterpretedFunctions(Set.of(0));
		Function<Instance, List<String>> calls = (instance) -> List.of(
				String.valueOf(instance.export("f0").apply(5)[0]), String.valueOf(instance.export("f1").apply(5)[0]),
				catchThrowable(() -> instance.export("f0").apply(5)).getClass().getName());
		Paths<List<String>> paths = allPaths(bytes, interpretFirst, true,
				(module, factory) -> calls.apply(Instance.builder(module).withMachineFactory(factory).build()));
		assertThat(paths.results()).isEqualTo(calls.apply(Instance.builder(parse(bytes)).build())).startsWith("6", "5");
		WasmModule meta = paths.diskHit().module();
		assertThat(MetaModule.isMeta(meta)).isTrue();
		assertThat(meta.codeSection().isRequiresDataCount()).isTrue();
		assertThat(opcodes(meta, 0)).isEqualTo(opcodes(parse(bytes), 0));
		assertThat(opcodes(meta, 1)).containsExactly(OpCode.UNREACHABLE, OpCode.END);
	}

	@Test
	void aModuleWithoutFunctionBodiesIsMadeFromItsMetaModuleToo() {
		byte[] header = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };
		// one memory, exported as "m"
		byte[] memoryOnly = concat(header, new byte[] { 5, 3, 1, 0, 1, 7, 5, 1, 1, 'm', 2, 0 });
		// empty function and code sections
		byte[] emptyCode = concat(header, new byte[] { 3, 1, 0, 10, 1, 0 });
		for (byte[] bytes : List.of(header, memoryOnly, emptyCode)) {
			Path directory = this.root.resolve("no-bodies-" + bytes.length);
			compilerBuilder().withCache(directoryCache(directory)).build().load(bytes);
			LoadedModule loaded = compilerBuilder().withCache(directoryCache(directory)).build().load(bytes);
			assertThat(loaded.event().source()).isEqualTo(CompilationSource.DISK);
			assertThat(loaded.event().recovered()).isFalse();
			assertThat(MetaModule.isMeta(loaded.module())).isTrue();
			assertThat(MetaModule.functionCount(loaded.module())).isZero();
			assertThat(loaded.module().exportSection()).isEqualTo(parse(bytes).exportSection());
			loaded.instanceBuilder().build();
		}
	}

	@Test
	void withInterpreterFallbackFailAFunctionTooLargeFailsAndLeavesNothing() {
		ChicoryCompiler compiler = compilerBuilder().withCache(directoryCache(this.root))
			.withCustomizer((builder) -> builder.withInterpreterFallback(InterpreterFallback.FAIL))
			.build();
		assertThat(catchThrowable(() -> compiler.load(CompilerFixtures.hugeFunctionModule(60_000))))
			.isInstanceOf(ChicoryException.class)
			.hasMessageContaining("interpreter");
		assertThat(compiler.stats().failures()).isOne();
		assertThat(entryFiles(this.root)).isEmpty();
		// a module that compiles entirely is unaffected
		assertAllPathsAgree(MODULE, (builder) -> builder.withInterpreterFallback(InterpreterFallback.FAIL),
				(module, factory) -> List.of(call(module, factory, 0, 0), call(module, factory, 7, 7)));
	}

	@ParameterizedTest
	@EnumSource(value = InterpreterFallback.class, names = { "WARN", "FAIL" })
	void theRealWat2WasmGivesTheSameResultsOnEveryPath(InterpreterFallback fallback) {
		String valid = "(module (func (export \"add\") (param i32 i32) (result i32)"
				+ " local.get 0 local.get 1 i32.add))";
		String invalid = "(module (func (export \"add\") (result i32) i32.nope))";
		byte[] bytes = RealModules.wat2wasm();
		// compiling wat2wasm takes seconds: the machineFactory miss runs with the default
		// fallback only
		Paths<List<String>> paths = allPaths(bytes, (builder) -> builder.withInterpreterFallback(fallback),
				fallback == InterpreterFallback.WARN, (module, factory) -> List.of(Wat2Wasm.run(module, factory, valid),
						Wat2Wasm.run(module, factory, invalid)));
		byte[] output = Base64.getDecoder().decode(paths.results().get(0));
		Instance add = Instance.builder(Parser.parse(output)).build();
		assertThat(add.export("add").apply(2, 3)[0]).isEqualTo(5);
		assertThat(paths.results().get(1)).startsWith("exit 1:").contains("nope");

		// the module made from the meta module has everything but the compiled bodies
		WasmModule meta = paths.diskHit().module();
		WasmModule full = parse(bytes);
		assertThat(MetaModule.isMeta(meta)).isTrue();
		assertThat(meta.importSection()).isEqualTo(full.importSection());
		assertThat(meta.exportSection()).isEqualTo(full.exportSection());
		assertThat(meta.typeSection()).isEqualTo(full.typeSection());
		assertThat(meta.functionSection()).isEqualTo(full.functionSection());
		assertThat(meta.memorySection()).isEqualTo(full.memorySection());
		assertThat(meta.tableSection()).isEqualTo(full.tableSection());
		assertThat(meta.dataSection().dataSegments())
			.extracting((segment) -> Base64.getEncoder().encodeToString(segment.data()))
			.containsExactlyElementsOf(Arrays.stream(full.dataSection().dataSegments())
				.map((segment) -> Base64.getEncoder().encodeToString(segment.data()))
				.toList());
		assertThat(meta.elementSection().elementCount()).isEqualTo(full.elementSection().elementCount());
		assertThat(meta.globalSection().globalCount()).isEqualTo(full.globalSection().globalCount());
		assertThat(meta.customSections()).extracting((section) -> section.name())
			.containsAll(full.customSections().stream().map((section) -> section.name()).toList())
			.contains(MetaModule.MARKER);
		assertThat(meta.codeSection().functionBodyCount()).isEqualTo(full.codeSection().functionBodyCount());
	}

	private static List<OpCode> opcodes(WasmModule module, int function) {
		return module.codeSection()
			.getFunctionBody(function)
			.instructions()
			.stream()
			.map((instruction) -> instruction.opcode())
			.toList();
	}

	private <T> T assertAllPathsAgree(byte[] bytes, MachineFactoryCompilerCustomizer customizer,
			BiFunction<WasmModule, Function<Instance, Machine>, T> run) {
		return allPaths(bytes, customizer, true, run).results();
	}

	/**
	 * Runs a module through every path, with cache directories and compilers of their
	 * own: load miss, load disk hit, load in this JVM, machineFactory disk hit and,
	 * optionally, machineFactory miss; asserts that all give the same results.
	 */
	private <T> Paths<T> allPaths(byte[] bytes, MachineFactoryCompilerCustomizer customizer, boolean machineFactoryMiss,
			BiFunction<WasmModule, Function<Instance, Machine>, T> run) {
		Path directory = this.root.resolve("paths-" + System.nanoTime());
		LoadedModule miss = compilerBuilder().withCache(directoryCache(directory))
			.withCustomizer(customizer)
			.build()
			.load(bytes);
		ChicoryCompiler second = compilerBuilder().withCache(directoryCache(directory))
			.withCustomizer(customizer)
			.build();
		LoadedModule diskHit = second.load(bytes);
		LoadedModule memoryHit = second.load(bytes);
		WasmModule parsed = parse(bytes);
		Compilation fromDisk = compilerBuilder().withCache(directoryCache(directory))
			.withCustomizer(customizer)
			.build()
			.compile(parsed);
		assertThat(List.of(miss.event().source(), diskHit.event().source(), memoryHit.event().source(),
				fromDisk.event().source()))
			.containsExactly(CompilationSource.COMPILER, CompilationSource.DISK, CompilationSource.MEMORY,
					CompilationSource.DISK);
		T expected = run.apply(miss.module(), miss.machineFactory());
		assertThat(run.apply(diskHit.module(), diskHit.machineFactory())).as("load, disk hit").isEqualTo(expected);
		assertThat(run.apply(memoryHit.module(), memoryHit.machineFactory())).as("load, in this JVM")
			.isEqualTo(expected);
		assertThat(run.apply(parsed, fromDisk.machineFactory())).as("machineFactory, disk hit").isEqualTo(expected);
		if (machineFactoryMiss) {
			WasmModule parsedAgain = parse(bytes);
			Compilation compiled = compilerBuilder().withCache(directoryCache(directory.resolve("other")))
				.withCustomizer(customizer)
				.build()
				.compile(parsedAgain);
			assertThat(compiled.event().source()).isEqualTo(CompilationSource.COMPILER);
			assertThat(run.apply(parsedAgain, compiled.machineFactory())).as("machineFactory, miss")
				.isEqualTo(expected);
		}
		return new Paths<>(expected, diskHit);
	}

	private record Paths<T>(T results, LoadedModule diskHit) {
	}

}
