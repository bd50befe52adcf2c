package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
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
 * others, and nothing else (see {@link EntryLayout#isEntryPath(Path)}).
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
	 * @return the entry files, or {@code null} if the scan gave up
	 */
	@Nullable List<EntryFile> scan(BooleanSupplier stop) {
		List<EntryFile> files = new ArrayList<>();
		Path root = this.layout.root();
		if (!Files.isDirectory(root)) {
			return files;
		}
		AtomicBoolean stopped = new AtomicBoolean();
		try {
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
					if (attributes.isRegularFile() && EntryLayout.isEntryPath(root.relativize(file))) {
						files.add(new EntryFile(file, DirectoryScanner.this.layout.namespaceOf(file), attributes.size(),
								attributes.lastModifiedTime().toInstant()));
					}
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
		return stopped.get() ? null : files;
	}

}
