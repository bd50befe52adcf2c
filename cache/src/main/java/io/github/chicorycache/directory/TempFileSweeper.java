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
 * {@value EntryLayout#TEMP_DIRECTORY}: those older than the time a write can take. It
 * never follows a link: a {@value EntryLayout#TEMP_DIRECTORY} that is a link is removed,
 * not swept (its target is not the cache's), and a link inside it is deleted as a link.
 * What it leaves counts toward the size limit until it goes.
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
	 * Deletes orphan temporary files, or only measures them.
	 * @param now the time of the pass: a later modification time beyond the
	 * {@link ClockSkew#TOLERANCE} is taken for it (and rewritten)
	 * @param delete whether to delete (and rewrite) anything
	 * @return what was deleted and what is left
	 */
	Sweep sweep(Instant now, boolean delete) {
		Path tempDirectory = this.layout.tempDirectory();
		Instant cutoff = now.minus(this.maxAge);
		long deleted = 0;
		long remainingBytes = 0;
		if (!Files.isDirectory(this.layout.root())) {
			return new Sweep(0, 0);
		}
		try {
			BasicFileAttributes attributes = NoFollow.attributes(tempDirectory);
			if (attributes != null && attributes.isSymbolicLink() && delete) {
				Files.delete(tempDirectory);
				this.faults.record(CacheFault.Kind.CLEANUP, "Removed " + tempDirectory
						+ ", a symbolic link where the cache keeps its temporary files (links are never followed)",
						null);
			}
			if (attributes == null || !attributes.isDirectory()) {
				return new Sweep(0, 0);
			}
			try (DirectoryStream<Path> stream = Files.newDirectoryStream(tempDirectory)) {
				for (Path temp : stream) {
					try {
						BasicFileAttributes file = NoFollow.attributes(temp);
						if (file == null || file.isDirectory()) {
							continue;
						}
						if (delete && isOrphan(temp, file, now, cutoff) && Files.deleteIfExists(temp)) {
							deleted++;
						}
						else if (file.isRegularFile()) {
							remainingBytes += file.size();
						}
					}
					catch (IOException | RuntimeException ex) {
						this.faults.record(CacheFault.Kind.DELETE, "Could not delete temporary file " + temp, ex);
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			this.faults.record(CacheFault.Kind.CLEANUP, "Could not sweep " + tempDirectory, ex);
		}
		return new Sweep(deleted, remainingBytes);
	}

	private boolean isOrphan(Path temp, BasicFileAttributes attributes, Instant now, Instant cutoff) {
		Instant modified = attributes.lastModifiedTime().toInstant();
		if (!ClockSkew.inFuture(modified, now)) {
			return !modified.isAfter(cutoff);
		}
		// dated in the future: it ages from now on, like any other
		if (attributes.isRegularFile()) {
			try {
				NoFollow.setLastModifiedTime(temp, now);
			}
			catch (NoSuchFileException ex) {
				// published or removed meanwhile
			}
			catch (IOException | RuntimeException ex) {
				this.faults.record(CacheFault.Kind.TOUCH, "Could not correct the time of " + temp, ex);
			}
		}
		return !now.isAfter(cutoff);
	}

	/**
	 * What a sweep did and left.
	 *
	 * @param deleted the number of files deleted
	 * @param remainingBytes the size of the regular files left
	 */
	record Sweep(long deleted, long remainingBytes) {

	}

}
