package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.spi.FaultRecorder;

/**
 * Deletes the temporary files that writers killed mid-write left in
 * {@value EntryLayout#TEMP_DIRECTORY}: those older than the time a write can take.
 */
final class TempFileSweeper {

	private final EntryLayout layout;

	private final Duration maxAge;

	private final FaultRecorder faults;

	TempFileSweeper(EntryLayout layout, Duration maxAge, FaultRecorder faults) {
		this.layout = layout;
		this.maxAge = maxAge;
		this.faults = faults;
	}

	/**
	 * Deletes orphan temporary files.
	 * @param now the time of the pass
	 * @return how many were deleted
	 */
	long sweep(Instant now) {
		Path tempDirectory = this.layout.tempDirectory();
		if (!Files.isDirectory(tempDirectory)) {
			return 0;
		}
		Instant cutoff = now.minus(this.maxAge);
		long deleted = 0;
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(tempDirectory)) {
			for (Path temp : stream) {
				try {
					BasicFileAttributes attributes = Files.readAttributes(temp, BasicFileAttributes.class);
					if (attributes.isRegularFile() && !attributes.lastModifiedTime().toInstant().isAfter(cutoff)
							&& Files.deleteIfExists(temp)) {
						deleted++;
					}
				}
				catch (NoSuchFileException ex) {
					// published or removed meanwhile
				}
				catch (IOException | RuntimeException ex) {
					this.faults.record(CacheFault.Kind.DELETE, "Could not delete temporary file " + temp, ex);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.CLEANUP, "Could not list " + tempDirectory, ex);
		}
		return deleted;
	}

}
