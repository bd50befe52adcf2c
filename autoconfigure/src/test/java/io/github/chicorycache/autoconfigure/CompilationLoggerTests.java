package io.github.chicorycache.autoconfigure;

import java.time.Duration;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.github.chicorycache.CompilationEvent;
import io.github.chicorycache.CompilationSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CompilationLogger}.
 */
@ExtendWith(CapturedLog.Extension.class)
class CompilationLoggerTests {

	private static final String DIGEST = "sha-256:vOEHos9OPJcQYmTP0xSS0pThsGjYGLxFMojT1/Zs0T0=";

	private final Logger logger = (Logger) LoggerFactory.getLogger(CompilationLogger.class);

	@AfterEach
	void restoreLevel() {
		this.logger.setLevel(null);
	}

	@Test
	void moduleLoadedFromDiskOrTheCompilerIsAnInfoLine(CapturedLog log) {
		CompilationLogger compilationLogger = new CompilationLogger();
		compilationLogger.onCompilation(event(CompilationSource.COMPILER, 1534, 402_711, false));
		compilationLogger.onCompilation(event(CompilationSource.DISK, 73, 402_711, false));
		compilationLogger.onCompilation(event(CompilationSource.REMOTE, 12, 402_711, false));
		assertThat(log)
			.contains("INFO " + CompilationLogger.class.getName() + ": Chicory module " + DIGEST
					+ ": compiled code from COMPILER in 1534 ms (402,711 bytes)")
			.contains(": compiled code from DISK in 73 ms (402,711 bytes)")
			.contains(": compiled code from REMOTE in 12 ms (402,711 bytes)");
	}

	@Test
	void moduleReusedFromMemoryIsADebugLine(CapturedLog log) {
		new CompilationLogger().onCompilation(event(CompilationSource.MEMORY, 0, 402_711, false));
		assertThat(log.toString()).doesNotContain("Chicory module");
		this.logger.setLevel(Level.DEBUG);
		new CompilationLogger().onCompilation(event(CompilationSource.MEMORY, 0, 402_711, false));
		assertThat(log).contains("DEBUG " + CompilationLogger.class.getName() + ": Chicory module " + DIGEST
				+ ": compiled code from MEMORY in 0 ms");
	}

	@Test
	void recoveryIsMentioned() {
		assertThat(CompilationLogger.message(event(CompilationSource.COMPILER, 10, 0, true)))
			.isEqualTo("Chicory module " + DIGEST + ": compiled code from COMPILER in 10 ms, "
					+ "replacing a damaged cache entry");
	}

	@Test
	void loggerLevelTurnsItDown(CapturedLog log) {
		this.logger.setLevel(Level.WARN);
		new CompilationLogger().onCompilation(event(CompilationSource.COMPILER, 1534, 402_711, false));
		assertThat(log.toString()).doesNotContain("Chicory module");
	}

	private static CompilationEvent event(CompilationSource source, long millis, long bytes, boolean recovered) {
		return new CompilationEvent(DIGEST, "chicory-1.7.5-0123456789abcdef", source, Duration.ofMillis(millis), bytes,
				recovered, false);
	}

}
