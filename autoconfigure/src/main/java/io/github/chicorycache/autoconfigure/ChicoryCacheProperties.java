package io.github.chicorycache.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.dylibso.chicory.compiler.InterpreterFallback;
import io.github.chicorycache.ChicoryCompiler;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for the Chicory compile cache. Values that bind but make no
 * sense (a size of zero, a negative age) fail startup when the cache is created, with a
 * message that names the property and the value as written.
 */
@ConfigurationProperties("chicory.cache")
public class ChicoryCacheProperties {

	/**
	 * Whether to store compiled modules on disk. When disabled, modules are still
	 * compiled, and reused within the JVM, but never stored.
	 */
	private boolean enabled = true;

	/**
	 * Directory of the cache. Defaults to "$XDG_CACHE_HOME/chicory" or
	 * "~/.cache/chicory", or to a per-user directory under "java.io.tmpdir" when that is
	 * not writable.
	 */
	private @Nullable Path directory;

	/**
	 * Maximum total size of the cache entries. The least recently used entries are
	 * evicted beyond it.
	 */
	private DataSize maxSize = DataSize.ofGigabytes(1);

	/**
	 * Maximum number of cache entries. Unlimited when not set.
	 */
	private @Nullable Long maxEntries;

	/**
	 * Time after which an entry that no process used is evicted. Unlimited when not set.
	 */
	private @Nullable Duration maxAge;

	/**
	 * Maximum size of one cache entry. A larger compiled module is not stored, and a
	 * larger file in the directory is evicted as damaged without being read.
	 */
	private DataSize maxEntrySize = DataSize.ofMegabytes(256);

	/**
	 * Interval between periodic cleanup passes, which apply the limits and remove the
	 * temporary files of crashed writers. The first runs when the application starts.
	 */
	private Duration cleanupInterval = Duration.ofMinutes(10);

	/**
	 * Age after which a temporary file is deleted as the leftover of a crashed writer.
	 */
	private Duration tempFileMaxAge = Duration.ofHours(1);

	/**
	 * Whether to only read the cache: entries are verified and used but nothing is ever
	 * written, deleted or touched. For prebuilt caches on read-only volumes.
	 */
	private boolean readOnly;

	/**
	 * Whether to accept a cache directory that is writable by group or others. Anyone who
	 * can write there can make the application run their bytecode.
	 */
	private boolean allowSharedDirectory;

	private final Compiler compiler = new Compiler();

	private final Memory memory = new Memory();

	private final Warmup warmup = new Warmup();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Path getDirectory() {
		return this.directory;
	}

	public void setDirectory(@Nullable Path directory) {
		this.directory = directory;
	}

	public DataSize getMaxSize() {
		return this.maxSize;
	}

	public void setMaxSize(DataSize maxSize) {
		this.maxSize = maxSize;
	}

	public @Nullable Long getMaxEntries() {
		return this.maxEntries;
	}

	public void setMaxEntries(@Nullable Long maxEntries) {
		this.maxEntries = maxEntries;
	}

	public @Nullable Duration getMaxAge() {
		return this.maxAge;
	}

	public void setMaxAge(@Nullable Duration maxAge) {
		this.maxAge = maxAge;
	}

	public DataSize getMaxEntrySize() {
		return this.maxEntrySize;
	}

	public void setMaxEntrySize(DataSize maxEntrySize) {
		this.maxEntrySize = maxEntrySize;
	}

	public Duration getCleanupInterval() {
		return this.cleanupInterval;
	}

	public void setCleanupInterval(Duration cleanupInterval) {
		this.cleanupInterval = cleanupInterval;
	}

	public Duration getTempFileMaxAge() {
		return this.tempFileMaxAge;
	}

	public void setTempFileMaxAge(Duration tempFileMaxAge) {
		this.tempFileMaxAge = tempFileMaxAge;
	}

	public boolean isReadOnly() {
		return this.readOnly;
	}

	public void setReadOnly(boolean readOnly) {
		this.readOnly = readOnly;
	}

	public boolean isAllowSharedDirectory() {
		return this.allowSharedDirectory;
	}

	public void setAllowSharedDirectory(boolean allowSharedDirectory) {
		this.allowSharedDirectory = allowSharedDirectory;
	}

	public Compiler getCompiler() {
		return this.compiler;
	}

	public Memory getMemory() {
		return this.memory;
	}

	public Warmup getWarmup() {
		return this.warmup;
	}

	/**
	 * Compiler options, applied to every compilation before any
	 * {@code MachineFactoryCompilerCustomizer} bean. Part of the cache namespace.
	 */
	public static class Compiler {

		/**
		 * What to do with functions the compiler cannot compile: run them in the
		 * interpreter (SILENT, WARN) or fail (FAIL). Chicory's default (WARN) when not
		 * set.
		 */
		private @Nullable InterpreterFallback interpreterFallback;

		/**
		 * Maximum number of functions per generated class. Chicory's default when not
		 * set.
		 */
		private @Nullable Integer maxFunctionsPerClass;

		public @Nullable InterpreterFallback getInterpreterFallback() {
			return this.interpreterFallback;
		}

		public void setInterpreterFallback(@Nullable InterpreterFallback interpreterFallback) {
			this.interpreterFallback = interpreterFallback;
		}

		public @Nullable Integer getMaxFunctionsPerClass() {
			return this.maxFunctionsPerClass;
		}

		public void setMaxFunctionsPerClass(@Nullable Integer maxFunctionsPerClass) {
			this.maxFunctionsPerClass = maxFunctionsPerClass;
		}

	}

	/**
	 * Reuse of compiled modules within the JVM.
	 */
	public static class Memory {

		/**
		 * Maximum number of compiled modules kept for reuse within the JVM. 0 disables
		 * reuse.
		 */
		private int maxEntries = ChicoryCompiler.DEFAULT_MEMORY_MAX_ENTRIES;

		/**
		 * Maximum total size of the compiled code kept for reuse within the JVM.
		 */
		private DataSize maxSize = DataSize.ofBytes(ChicoryCompiler.DEFAULT_MEMORY_MAX_BYTES);

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

	}

	/**
	 * Compilation of modules at startup.
	 */
	public static class Warmup {

		/**
		 * Locations of modules to compile at startup, as Spring resource patterns such as
		 * "classpath*:wasm/*.wasm".
		 */
		private List<String> locations = new ArrayList<>();

		/**
		 * Whether startup waits for the warm-up (sync) or it runs in the background
		 * (async).
		 */
		private Mode mode = Mode.SYNC;

		/**
		 * Whether a module that fails to compile during warm-up fails startup. In async
		 * mode, the application has started by then, and the failure is logged as an
		 * error.
		 */
		private boolean failOnError;

		public List<String> getLocations() {
			return this.locations;
		}

		public void setLocations(List<String> locations) {
			this.locations = locations;
		}

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		public boolean isFailOnError() {
			return this.failOnError;
		}

		public void setFailOnError(boolean failOnError) {
			this.failOnError = failOnError;
		}

		/**
		 * When the warm-up runs.
		 */
		public enum Mode {

			/**
			 * Startup waits for the warm-up.
			 */
			SYNC,

			/**
			 * The warm-up runs in the background.
			 */
			ASYNC

		}

	}

}
