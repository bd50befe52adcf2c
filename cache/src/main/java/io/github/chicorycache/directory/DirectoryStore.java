package io.github.chicorycache.directory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;

import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the parts of one {@link io.github.chicorycache.DirectoryCache}, wired together
 * when it opens.
 *
 * @param layout where the files live, below the real path of the root
 * @param options the options
 * @param stats the statistics
 * @param reader the read path
 * @param writer the write path
 * @param remover the removals
 * @param cleanup the cleanup passes
 */
public record DirectoryStore(EntryLayout layout, DirectoryOptions options, DirectoryStatsCounter stats,
		EntryReader reader, EntryWriter writer, EntryRemover remover, BackgroundCleanup cleanup) {

	/**
	 * Opens a cache directory: checks the root and the directories below it (or creates
	 * the root), resolves the root to its real path, and wires the parts.
	 * @param root the root as configured
	 * @param options the options
	 * @param allowSharedDirectory whether a shared directory is accepted
	 * @param executor the executor of background passes, or {@code null} for a thread of
	 * its own
	 * @param cleanupOnOpenDelay the delay of a pass in the background, or {@code null}
	 * for none (see {@link BackgroundCleanup#requestOpeningPass})
	 * @param faults where failures are recorded
	 * @return the parts
	 * @throws io.github.chicorycache.CacheDirectoryException if the directory is refused
	 */
	public static DirectoryStore open(Path root, DirectoryOptions options, boolean allowSharedDirectory,
			@Nullable Executor executor, @Nullable Duration cleanupOnOpenDelay, FaultRecorder faults) {
		OwnerOnlyDirectories directories = new OwnerOnlyDirectories(root, allowSharedDirectory, faults);
		EntryLayout layout = new EntryLayout(directories.openRoot(root, options.readOnly()));
		DirectoryStatsCounter stats = new DirectoryStatsCounter(faults);
		EntryRemover remover = new EntryRemover(layout, options, stats, faults);
		EntryReader reader = new EntryReader(layout, options, stats, faults, remover);
		CleanupPass pass = new CleanupPass(layout, options, stats, faults, remover);
		BackgroundCleanup cleanup = new BackgroundCleanup(pass, executor, faults, layout.root());
		EntryWriter writer = new EntryWriter(layout, directories, options, stats, faults, cleanup);
		if (cleanupOnOpenDelay != null) {
			cleanup.requestOpeningPass(cleanupOnOpenDelay);
		}
		return new DirectoryStore(layout, options, stats, reader, writer, remover, cleanup);
	}

}
