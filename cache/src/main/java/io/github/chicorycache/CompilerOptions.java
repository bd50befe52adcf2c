package io.github.chicorycache;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import org.jspecify.annotations.Nullable;

/**
 * Reads the effective options of a customized {@link MachineFactoryCompiler.Builder} and
 * turns them into a fingerprint.
 * <p>
 * The builder has no getters, so its fields are read reflectively, all of them but the
 * module, the cache and the class-collector factory. Options that a future Chicory adds
 * are therefore part of the fingerprint without a change here. Unset options count as
 * their defaults, so that setting a default explicitly does not split the cache.
 */
final class CompilerOptions {

	private static final Logger logger = System.getLogger(ChicoryCompiler.class.getName());

	private static final Set<String> IGNORED_FIELDS = Set.of("module", "cache", "compilerBuilder",
			"classCollectorFactory");

	/**
	 * Chicory's defaults for options left unset (see {@code Compiler.Builder.build()}).
	 */
	private static final Map<String, String> DEFAULTS = Map.of("className", "com.dylibso.chicory.$gen.CompiledMachine",
			"maxFunctionsPerClass", String.valueOf(1024 * 12), "interpreterFallback", InterpreterFallback.WARN.name(),
			"interpretedFunctions", "[]");

	private static final AtomicBoolean warned = new AtomicBoolean();

	private CompilerOptions() {
	}

	/**
	 * Returns the effective options of a builder, by name, in a stable order.
	 * @param builder the builder after customization
	 * @return the options, or {@code null} if they cannot be read
	 */
	static @Nullable Map<String, String> read(MachineFactoryCompiler.Builder builder) {
		try {
			Map<String, String> options = new TreeMap<>();
			collect(builder, options);
			Field compilerBuilder = builder.getClass().getDeclaredField("compilerBuilder");
			compilerBuilder.setAccessible(true);
			Object inner = compilerBuilder.get(builder);
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
			if (warned.compareAndSet(false, true)) {
				logger.log(Level.WARNING,
						"Cannot read the Chicory compiler options (" + ex
								+ "); cache entries are separated by customizer classes only. Open the package "
								+ "com.dylibso.chicory.compiler to this library to fix this.");
			}
			return null;
		}
	}

	/**
	 * Returns a short, stable fingerprint of a builder's effective options.
	 * @param builder the builder after customization
	 * @return the fingerprint, 16 hex characters, or {@code null} if the options cannot
	 * be read
	 */
	static @Nullable String fingerprint(MachineFactoryCompiler.Builder builder) {
		Map<String, String> options = read(builder);
		if (options == null) {
			return null;
		}
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256")
				.digest(options.toString().getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(hash, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void collect(Object target, Map<String, String> options) throws IllegalAccessException {
		for (Field field : target.getClass().getDeclaredFields()) {
			if (Modifier.isStatic(field.getModifiers()) || IGNORED_FIELDS.contains(field.getName())) {
				continue;
			}
			field.setAccessible(true);
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

}
