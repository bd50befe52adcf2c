package io.github.chicorycache.directory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * File-system access that never follows a link below the root of a cache.
 * <p>
 * The root is resolved to its real path once, when the cache opens; below it, whatever is
 * a link is never read, written, touched or listed through: each directory level of a
 * path is checked without following links before the path is used, and files are opened
 * with {@link LinkOption#NOFOLLOW_LINKS} after their type was checked the same way (a
 * FIFO would block {@code open} forever). What remains is the window between a check and
 * its use, which only someone who can write the owner-only directories can use, and they
 * can plant code in the cache anyway.
 */
final class NoFollow {

	private NoFollow() {
	}

	/**
	 * Returns the attributes of the file itself, a link not followed.
	 * @param path the path
	 * @return the attributes, or {@code null} if nothing is there
	 * @throws IOException if the attributes cannot be read
	 */
	static @Nullable BasicFileAttributes attributes(Path path) throws IOException {
		try {
			return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
	}

	/**
	 * Reaches a file of the cache: checks each directory level below the root without
	 * following links, then reads the file's attributes, unless a level is missing (then
	 * the file is missing too, and a miss costs no second failed look, which the JDK
	 * reports with an exception).
	 * @param layout the layout, which knows the levels
	 * @param file a file below the root
	 * @return what was found: the first level that is a link or not a directory, or the
	 * file's attributes
	 * @throws IOException if the attributes cannot be read
	 */
	static Reached reach(EntryLayout layout, Path file) throws IOException {
		for (Path directory : layout.directoriesOf(file)) {
			BasicFileAttributes attributes = attributes(directory);
			if (attributes == null) {
				return Reached.NOTHING;
			}
			if (!attributes.isDirectory()) {
				return new Reached(directory + " is " + kind(attributes) + ", not a directory", null);
			}
		}
		return new Reached(null, attributes(file));
	}

	/**
	 * Describes the type of a file, for messages.
	 * @param attributes the attributes, read without following links
	 * @return for example {@code "a symbolic link"}
	 */
	static String kind(BasicFileAttributes attributes) {
		if (attributes.isSymbolicLink()) {
			return "a symbolic link";
		}
		if (attributes.isDirectory()) {
			return "a directory";
		}
		if (attributes.isRegularFile()) {
			return "a regular file";
		}
		return "a special file (FIFO, socket or device)";
	}

	/**
	 * Opens a file for reading without following a link. Callers check first that the
	 * file is a regular one: opening a FIFO would block.
	 * @param file the file
	 * @return the channel
	 * @throws IOException if the file cannot be opened, or is a link
	 */
	static FileChannel openForReading(Path file) throws IOException {
		return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * Sets the modification time of a regular file, a link not followed.
	 * @param file the file, checked to be a regular file
	 * @param time the time
	 * @throws IOException if the time cannot be set
	 */
	static void setLastModifiedTime(Path file, Instant time) throws IOException {
		Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
			.setTimes(FileTime.from(time), null, null);
	}

	/**
	 * A file of the cache as reached without following links.
	 *
	 * @param obstacle a description of the first directory level that is a link or not a
	 * directory, or {@code null}
	 * @param attributes the attributes of the file, or {@code null} if it is missing or
	 * there is an obstacle
	 */
	record Reached(@Nullable String obstacle, @Nullable BasicFileAttributes attributes) {

		static final Reached NOTHING = new Reached(null, null);

	}

}
