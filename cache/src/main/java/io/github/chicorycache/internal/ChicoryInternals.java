package io.github.chicorycache.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.compiler.internal.CompilerResult;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the one class that touches Chicory's internals: the private fields of
 * {@link MachineFactoryCompiler.Builder}, the compiler and class loader of Chicory's
 * exported {@code com.dylibso.chicory.compiler.internal} package, the system properties
 * its parser and compiler read, and the version file in the compiler jar. Everything else
 * in this library uses Chicory's public API only, so a Chicory upgrade that changes these
 * internals is handled here.
 * <p>
 * Each capability checks, when first used, that the internals are as expected and reports
 * whether it is available; callers then fall back to the public API, which is slower but
 * equivalent. Cache entries are kept apart by Chicory version (the namespace), so a later
 * Chicory never reads what this class wrote for an earlier one.
 */
public final class ChicoryInternals {

	/**
	 * The system property from which Chicory's parser takes the digest algorithm, once
	 * per JVM.
	 */
	public static final String DIGEST_ALGORITHM_PROPERTY = "com.dylibso.chicory.wasm.Parser.DIGEST_ALGORITHM";

	/**
	 * The system property that sizes the generated dispatch methods in Chicory after
	 * 1.7.5 (read once per JVM, default 8000); 1.7.5 does not read it.
	 */
	public static final String HUGE_METHOD_LIMIT_PROPERTY = "chicory.hugeMethodLimit";

	private static final String DEFAULT_DIGEST_ALGORITHM = "SHA-256";

	private static final int DEFAULT_HUGE_METHOD_LIMIT = 8000;

	private static final String POM_PROPERTIES = "META-INF/maven/com.dylibso.chicory/compiler/pom.properties";

	/**
	 * Builder fields that are not compiler options.
	 */
	private static final Set<String> IGNORED_FIELDS = Set.of("module", "cache", "compilerBuilder",
			"classCollectorFactory");

	/**
	 * Chicory's defaults for options left unset (see {@code Compiler.Builder.build()}).
	 */
	private static final Map<String, String> DEFAULTS = Map.of("className", Compiler.DEFAULT_CLASS_NAME,
			"maxFunctionsPerClass", String.valueOf(1024 * 12), "interpreterFallback", InterpreterFallback.WARN.name(),
			"interpretedFunctions", "[]");

	/**
	 * The Chicory version whose builders were checked to hold nothing but
	 * {@link #DEFAULTS} before customization ({@code ChicoryInternalsTests}).
	 */
	static final String DEFAULTS_CHECKED_FOR = "1.7.5";

	private static final AtomicBoolean warnedUnreadableOptions = new AtomicBoolean();

	/**
	 * The option fields of a builder class, made accessible once per JVM rather than at
	 * every namespace.
	 */
	private static final ClassValue<List<Field>> OPTION_FIELDS = new ClassValue<>() {

		@Override
		protected List<Field> computeValue(Class<?> type) {
			List<Field> fields = new ArrayList<>();
			for (Field field : type.getDeclaredFields()) {
				if (!Modifier.isStatic(field.getModifiers()) && !IGNORED_FIELDS.contains(field.getName())) {
					field.setAccessible(true);
					fields.add(field);
				}
			}
			return List.copyOf(fields);
		}

	};

	/**
	 * The field of a {@link MachineFactoryCompiler.Builder} class that holds the inner
	 * compiler builder, made accessible once per JVM.
	 */
	private static final ClassValue<Field> COMPILER_BUILDER_FIELDS = new ClassValue<>() {

		@Override
		protected Field computeValue(Class<?> type) {
			try {
				Field field = type.getDeclaredField("compilerBuilder");
				field.setAccessible(true);
				return field;
			}
			catch (NoSuchFieldException ex) {
				throw new IllegalStateException(ex);
			}
		}

	};

	private static final String VERSION = readVersion();

	private static final String DIGEST_ALGORITHM = readDigestAlgorithm();

	private static final @Nullable Integer HUGE_METHOD_LIMIT = readHugeMethodLimit();

	private ChicoryInternals() {
	}

	// --- version

	/**
	 * Returns the version of the Chicory compiler on the classpath, for example
	 * {@code 1.7.5}, read from the {@code pom.properties} of the very jar the compiler
	 * class came from (so that a second Chicory jar on the classpath cannot answer for
	 * it); if none can be found, {@code unknown-} followed by a hash of the compiler's
	 * bytecode, so that a different compiler still gets a different namespace.
	 * @return the version, lower case
	 */
	public static String chicoryVersion() {
		return VERSION;
	}

	private static String readVersion() {
		String version = versionFromCodeSource();
		if (version == null) {
			version = versionFromResource();
		}
		if (version == null) {
			version = "unknown-" + hashOfCompilerClass();
		}
		return version.toLowerCase(Locale.ROOT);
	}

	private static @Nullable String versionFromCodeSource() {
		try {
			CodeSource codeSource = MachineFactoryCompiler.class.getProtectionDomain().getCodeSource();
			if (codeSource == null || codeSource.getLocation() == null) {
				return null;
			}
			URL jar = codeSource.getLocation();
			String location = jar.toString();
			if (!location.endsWith(".jar")) {
				return null;
			}
			if ("file".equals(jar.getProtocol())) {
				// Read the jar as a file: it is open already for the class loader, and
				// URL connections would cost a fresh JVM several milliseconds more.
				try (ZipFile file = new ZipFile(new File(jar.toURI()))) {
					ZipEntry entry = file.getEntry(POM_PROPERTIES);
					if (entry == null) {
						return null;
					}
					try (InputStream in = file.getInputStream(entry)) {
						return versionOf(in);
					}
				}
			}
			URL url = URI.create("jar:" + location + "!/" + POM_PROPERTIES).toURL();
			try (InputStream in = url.openStream()) {
				return versionOf(in);
			}
		}
		catch (IOException | URISyntaxException | RuntimeException ex) {
			return null;
		}
	}

	private static @Nullable String versionFromResource() {
		try (InputStream in = MachineFactoryCompiler.class.getResourceAsStream("/" + POM_PROPERTIES)) {
			return (in != null) ? versionOf(in) : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static @Nullable String versionOf(InputStream in) throws IOException {
		Properties properties = new Properties();
		properties.load(in);
		String version = properties.getProperty("version");
		return (version != null && !version.isBlank()) ? version.trim() : null;
	}

	private static String hashOfCompilerClass() {
		String resource = MachineFactoryCompiler.class.getName().replace('.', '/') + ".class";
		try (InputStream in = MachineFactoryCompiler.class.getClassLoader().getResourceAsStream(resource)) {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			if (in != null) {
				digest.update(in.readAllBytes());
			}
			return HexFormat.of().formatHex(digest.digest(), 0, 6);
		}
		catch (IOException | NoSuchAlgorithmException ex) {
			return "0";
		}
	}

	// --- system properties

	/**
	 * Returns the JVM system properties that the Chicory in use reads and that change
	 * what it compiles or the keys it computes, with their effective values, where these
	 * differ from the defaults (so that the namespaces of a default JVM do not change):
	 * the digest algorithm of the parser and, where the compiler reads it, the huge
	 * method limit. Should the limit not be found where Chicory keeps it, it is included
	 * whenever it is set, since the compiler may read it elsewhere.
	 * @return the properties by name
	 */
	public static Map<String, String> compilerSystemProperties() {
		Map<String, String> properties = new TreeMap<>();
		if (!DEFAULT_DIGEST_ALGORITHM.equals(DIGEST_ALGORITHM)) {
			properties.put(DIGEST_ALGORITHM_PROPERTY, DIGEST_ALGORITHM);
		}
		Integer limit = HUGE_METHOD_LIMIT;
		if (limit != null) {
			if (limit != DEFAULT_HUGE_METHOD_LIMIT) {
				properties.put(HUGE_METHOD_LIMIT_PROPERTY, String.valueOf(limit));
			}
		}
		else {
			String set = System.getProperty(HUGE_METHOD_LIMIT_PROPERTY);
			if (set != null) {
				properties.put(HUGE_METHOD_LIMIT_PROPERTY, set);
			}
		}
		return properties;
	}

	/**
	 * Returns the digest algorithm of Chicory's parser, as it read it from
	 * {@value #DIGEST_ALGORITHM_PROPERTY} (once per JVM).
	 * @return the algorithm, for example {@code SHA-256}, or {@code none}
	 */
	public static String digestAlgorithm() {
		return DIGEST_ALGORITHM;
	}

	private static String readDigestAlgorithm() {
		try {
			Field field = Parser.class.getDeclaredField("DIGEST_ALGORITHM");
			field.setAccessible(true);
			if (field.get(null) instanceof String algorithm) {
				return algorithm;
			}
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			// as the parser would read it
		}
		return System.getProperty(DIGEST_ALGORITHM_PROPERTY, DEFAULT_DIGEST_ALGORITHM);
	}

	/**
	 * Returns the huge method limit of the compiler in use, or {@code null} if it has
	 * none where Chicory keeps it.
	 */
	private static @Nullable Integer readHugeMethodLimit() {
		if (System.getProperty(HUGE_METHOD_LIMIT_PROPERTY) == null) {
			// Unset: the compiler uses its default, and whether it is set later is
			// looked up then (as for a compiler that keeps no limit). Reading the field
			// would link the compiler and ASM, which a cache hit never needs.
			return null;
		}
		try {
			Field field = Compiler.class.getDeclaredField("HUGE_METHOD_LIMIT");
			field.setAccessible(true);
			return (field.get(null) instanceof Integer limit) ? limit : null;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

	// --- compiler options

	/**
	 * Returns the effective options of a customized
	 * {@link MachineFactoryCompiler.Builder}, by name, in a stable order.
	 * <p>
	 * The builder has no getters, so its fields are read reflectively, all of them but
	 * the module, the cache and the class-collector factory. Options that a future
	 * Chicory adds are therefore part of the result without a change here. Unset options
	 * count as their defaults, so that setting a default explicitly does not split the
	 * cache.
	 * @param builder the builder after customization
	 * @return the options, or {@code null} if they cannot be read (logged once)
	 */
	public static @Nullable Map<String, String> compilerOptions(MachineFactoryCompiler.Builder builder) {
		try {
			Map<String, String> options = new TreeMap<>();
			collect(builder, options);
			Object inner = COMPILER_BUILDER_FIELDS.get(builder.getClass()).get(builder);
			if (inner != null) {
				collect(inner, options);
			}
			String interpreted = options.get("interpretedFunctions");
			if (interpreted != null && !interpreted.equals("[]")) {
				// Chicory compiles a fixed set of interpreted functions with FAIL only
				// (it
				// rejects any other explicit fallback), whether FAIL is set or not.
				options.put("interpreterFallback", InterpreterFallback.FAIL.name());
			}
			DEFAULTS.forEach(options::putIfAbsent);
			return options;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			if (warnedUnreadableOptions.compareAndSet(false, true)) {
				logger().log(Level.WARNING, "Cannot read the Chicory compiler options (" + ex
						+ "); compiled modules are reused within this JVM but never stored in the cache. Open the package "
						+ "com.dylibso.chicory.compiler to this library to fix this.");
			}
			return null;
		}
	}

	/**
	 * Returns the options of a {@link MachineFactoryCompiler.Builder} no one customized,
	 * as {@link #compilerOptions} reads them, without making one: making a builder
	 * initializes Chicory's compiler and ASM, tens of classes that a cache hit needs
	 * nowhere else. Known only for the Chicory version whose builders were checked, and
	 * where a builder's options could be read (otherwise {@link #compilerOptions} gives
	 * {@code null}, and nothing may be stored).
	 * @return the options by name, in a stable order, or {@code null} if this Chicory
	 * version was not checked or its builders cannot be read
	 */
	public static @Nullable Map<String, String> uncustomizedCompilerOptions() {
		Module compiler = MachineFactoryCompiler.class.getModule();
		boolean readable = compiler.isOpen(MachineFactoryCompiler.class.getPackageName(),
				ChicoryInternals.class.getModule());
		return (readable && DEFAULTS_CHECKED_FOR.equals(VERSION)) ? new TreeMap<>(DEFAULTS) : null;
	}

	private static void collect(Object target, Map<String, String> options) throws IllegalAccessException {
		for (Field field : OPTION_FIELDS.get(target.getClass())) {
			String value = describe(field.get(target));
			if (value != null) {
				options.put(field.getName(), value);
			}
		}
	}

	private static @Nullable String describe(@Nullable Object value) {
		if (value == null || (value instanceof Number number && number.longValue() <= 0)) {
			return null;
		}
		if (value instanceof Collection<?> collection) {
			return collection.stream().map(String::valueOf).sorted().collect(Collectors.joining(",", "[", "]"));
		}
		return String.valueOf(value);
	}

	// --- compiling

	/**
	 * Returns whether {@link #compile(MachineFactoryCompiler.Builder)} works with the
	 * Chicory on the classpath.
	 * @return whether the internal compiler can be used directly
	 */
	public static boolean canCompile() {
		return CompilerAccess.COMPILER_BUILDER != null;
	}

	/**
	 * Compiles a module exactly as {@code MachineFactoryCompiler.Builder.compile()} does
	 * on a cache miss, with the builder's own options, and defines its classes, but
	 * leaves writing them to the caller: Chicory writes its cache JAR at the default
	 * deflate level, which costs 15 to 45 % of the compile time; the caller can do
	 * better.
	 * @param builder the customized builder of the module
	 * @return the compiled classes and their machine factory
	 * @throws IllegalStateException if {@link #canCompile()} is {@code false}
	 * @throws com.dylibso.chicory.wasm.ChicoryException if the module cannot be compiled
	 */
	public static CompiledClasses compile(MachineFactoryCompiler.Builder builder) {
		Field field = CompilerAccess.COMPILER_BUILDER;
		if (field == null) {
			throw new IllegalStateException("Chicory's internal compiler is not available");
		}
		Compiler.Builder compiler;
		try {
			compiler = (Compiler.Builder) field.get(builder);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
		CompilerResult result = compiler.withClassCollectorFactory(ClassLoadingCollector::new).build().compile();
		ClassLoadingCollector collector = (ClassLoadingCollector) result.collector();
		return new CompiledClasses(collector.mainClassName(), collector.classBytes(),
				Set.copyOf(result.interpretedFunctions()), collector.machineFactory());
	}

	private static @Nullable Field compilerBuilderField() {
		try {
			Field field = COMPILER_BUILDER_FIELDS.get(MachineFactoryCompiler.Builder.class);
			if (field.getType() != Compiler.Builder.class) {
				return null;
			}
			// Resolve what compile() uses now, so that a mismatch disables it instead of
			// failing a compilation.
			Compiler.Builder.class.getMethod("withClassCollectorFactory", Supplier.class);
			Compiler.Builder.class.getMethod("build");
			Compiler.class.getMethod("compile");
			CompilerResult.class.getMethod("collector");
			CompilerResult.class.getMethod("interpretedFunctions");
			ClassLoadingCollector.class.getMethod("classBytes");
			ClassLoadingCollector.class.getMethod("mainClassName");
			ClassLoadingCollector.class.getMethod("machineFactory");
			return field;
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			return null;
		}
	}

	/**
	 * Looked up when something is logged, not when this class loads: a logger initializes
	 * the logging system, which costs a fresh JVM tens of milliseconds on the way to its
	 * first module.
	 */
	private static Logger logger() {
		return System.getLogger(ChicoryInternals.class.getName());
	}

	/**
	 * The internals that only a compilation uses, resolved at the first one, so that a
	 * JVM whose modules all come from the cache never links Chicory's compiler.
	 */
	private static final class CompilerAccess {

		static final @Nullable Field COMPILER_BUILDER = compilerBuilderField();

	}

	/**
	 * The result of a compilation: the generated classes, already defined in a class
	 * loader of their own.
	 *
	 * @param mainClass the name of the machine class
	 * @param classes the class bytes by class name, main class first
	 * @param interpretedFunctions the functions left to the interpreter
	 * @param machineFactory the factory of the defined machine class, bound to no module
	 */
	public record CompiledClasses(String mainClass, Map<String, byte[]> classes, Set<Integer> interpretedFunctions,
			Function<Instance, Machine> machineFactory) {

	}

}
