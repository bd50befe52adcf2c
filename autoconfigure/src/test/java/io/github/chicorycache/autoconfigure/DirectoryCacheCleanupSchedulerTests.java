package io.github.chicorycache.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import io.github.chicorycache.CleanupResult;
import io.github.chicorycache.DirectoryCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DirectoryCacheCleanupScheduler} as auto-configured by
 * {@link ChicoryCacheAutoConfiguration}.
 */
class DirectoryCacheCleanupSchedulerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path temp;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChicoryCacheAutoConfiguration.class));

	@Test
	void periodicCleanupRunsWhileTheContextRunsAndItsThreadEndsWithTheContext() throws IOException {
		Path root = this.temp.resolve("cache");
		Files.createDirectories(root.resolve(DirectoryCache.TEMP_DIRECTORY));
		Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		AtomicReference<List<Thread>> schedulerThreads = new AtomicReference<>();
		this.contextRunner
			.withPropertyValues("chicory.cache.directory=" + root, "chicory.cache.cleanup-interval=50ms",
					"chicory.cache.temp-file-max-age=1m")
			.run((context) -> {
				DirectoryCacheCleanupScheduler scheduler = context.getBean(DirectoryCacheCleanupScheduler.class);
				assertThat(scheduler.isRunning()).isTrue();
				assertThat(scheduler.getInterval()).isEqualTo(Duration.ofMillis(50));
				DirectoryCache cache = context.getBean(DirectoryCache.class);
				// the pass that runs when the context starts
				await().atMost(TIMEOUT).until(() -> cache.stats().lastCleanup() != null);
				// an orphan that only a later pass can find
				Path orphan = Files.writeString(root.resolve(DirectoryCache.TEMP_DIRECTORY).resolve("pid1-x.tmp"),
						"partial");
				Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
				CleanupResult seen = cache.stats().lastCleanup();
				await().atMost(TIMEOUT).until(() -> cache.stats().lastCleanup() != seen);
				CleanupResult next = cache.stats().lastCleanup();
				await().atMost(TIMEOUT).until(() -> cache.stats().lastCleanup() != next);
				await().atMost(TIMEOUT).until(() -> !Files.exists(orphan));
				schedulerThreads.set(newThreads(before, "chicory-cache-cleanup-"));
				assertThat(schedulerThreads.get()).isNotEmpty();
			});
		for (Thread thread : schedulerThreads.get()) {
			join(thread);
			assertThat(thread.isAlive()).as(thread.getName()).isFalse();
		}
		// the cache's own background thread ends with it too
		newThreads(before, "chicory-cache-cleanup").forEach(DirectoryCacheCleanupSchedulerTests::join);
		assertThat(newThreads(before, "chicory-cache-cleanup")).isEmpty();
	}

	@Test
	void firstPassRunsWhenTheContextStartsOnTheSchedulerNotWhenTheCacheOpens() {
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		this.contextRunner
			.withPropertyValues("chicory.cache.directory=" + this.temp.resolve("cache"),
					"chicory.cache.cleanup-interval=1h")
			.run((context) -> {
				DirectoryCache cache = context.getBean(DirectoryCache.class);
				await().atMost(TIMEOUT).until(() -> cache.stats().lastCleanup() != null);
				// the cache's own cleanup thread never started: no pass on opening
				assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
						(thread) -> !before.contains(thread) && thread.getName().equals("chicory-cache-cleanup"));
			});
	}

	@Test
	void schedulerStartsAfterTheWarmupAndBeforeTheWebServer() {
		try (DirectoryCache cache = DirectoryCache.builder(this.temp).withCleanupOnOpen(false).build()) {
			DirectoryCacheCleanupScheduler scheduler = new DirectoryCacheCleanupScheduler(cache, Duration.ofMinutes(1));
			assertThat(scheduler.getPhase()).isGreaterThan(ChicoryCacheWarmup.PHASE)
				// WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE: where the web
				// server starts
				.isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048);
		}
	}

	@Test
	void schedulerStopsAndStartsAgain() {
		this.contextRunner
			.withPropertyValues("chicory.cache.directory=" + this.temp.resolve("cache"),
					"chicory.cache.cleanup-interval=50ms")
			.run((context) -> {
				DirectoryCacheCleanupScheduler scheduler = context.getBean(DirectoryCacheCleanupScheduler.class);
				DirectoryCache cache = context.getBean(DirectoryCache.class);
				context.stop();
				assertThat(scheduler.isRunning()).isFalse();
				context.start();
				assertThat(scheduler.isRunning()).isTrue();
				await().atMost(TIMEOUT).until(() -> cache.stats().lastCleanup() != null);
				CleanupResult seen = cache.stats().lastCleanup();
				await().atMost(TIMEOUT).until(() -> cache.stats().lastCleanup() != seen);
			});
	}

	@Test
	void noSchedulerWithoutDirectoryCache() {
		this.contextRunner.withPropertyValues("chicory.cache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DirectoryCacheCleanupScheduler.class));
	}

	private static List<Thread> newThreads(Set<Thread> before, String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> !before.contains(thread) && thread.isAlive() && thread.getName().startsWith(prefix))
			.toList();
	}

	private static void join(Thread thread) {
		try {
			thread.join(TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
