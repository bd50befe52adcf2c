package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Finds the entry files of a cache directory: {@code <algorithm>/<shard>/<name>.jar} in
 * the root namespace and {@code <namespace>/<algorithm>/<shard>/<name>.jar} in the
 * others, and nothing else (see {@link EntryLayout#isEntryPath(Path)}). It never follows
 * a link; the links it finds where the cache keeps its directories or entries, and the
 * entries dated in the future, it reports for repair.
 */
final class DirectoryScanner {

	private final EntryLayout layout;

	private final FaultRecorder faults;

	DirectoryScanner(EntryLayout layout, FaultRecorder faults) {
		this.layout = layout;
		this.faults = faults;
	}

	/**
	 * Scans the directory.
	 * @param stop tells the scan to give up (a background pass of a closed cache)
	 * @param now the time of the scan: a later modification time beyond the
	 * {@link ClockSkew#TOLERANCE} is taken for it
	 * @return what the scan found, or {@code null} if it gave up
	 */
	@Nullable Scan scan(BooleanSupplier stop, Instant now) {
		Scan scan = new Scan(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
		Path root = this.layout.root();
		if (!Files.isDirectory(root)) {
			return scan;
		}
		AtomicBoolean stopped = new AtomicBoolean();
		try {
			// Without FOLLOW_LINKS: a link is visited as a file and never entered.
			Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), 4, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
					if (stop.getAsBoolean()) {
						stopped.set(true);
						return FileVisitResult.TERMINATE;
					}
					return dir.equals(DirectoryScanner.this.layout.tempDirectory()) ? FileVisitResult.SKIP_SUBTREE
							: FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
					found(scan, file, attributes, now);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) {
					if (!(ex instanceof NoSuchFileException)) {
						DirectoryScanner.this.faults.record(CacheFault.Kind.CLEANUP, "Could not scan " + file, ex);
					}
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.CLEANUP, "Could not scan " + root, ex);
		}
		// A partial scan must not be taken for the directory's content.
		return stopped.get() ? null : scan;
	}

	private void found(Scan scan, Path file, BasicFileAttributes attributes, Instant now) {
		Path relative = this.layout.root().relativize(file);
		boolean entryPath = EntryLayout.isEntryPath(relative);
		if (attributes.isSymbolicLink() && (entryPath || EntryLayout.isDirectoryPath(relative))) {
			scan.links().add(file);
		}
		else if (attributes.isRegularFile() && entryPath) {
			Instant modified = attributes.lastModifiedTime().toInstant();
			if (ClockSkew.inFuture(modified, now)) {
				scan.futureDated().add(file);
			}
			scan.entries()
				.add(new EntryFile(file, this.layout.namespaceOf(file), attributes.size(),
						ClockSkew.effective(modified, now)));
		}
	}

	/**
	 * What a scan found.
	 *
	 * @param entries the entry files, each with its last access (the scan's time for one
	 * dated in the future)
	 * @param links the links where the cache keeps its directories or entries
	 * @param futureDated the entry files dated in the future
	 */
	record Scan(List<EntryFile> entries, List<Path> links, List<Path> futureDated) {

	}

}
