package io.github.chicorycache.directory;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;

import org.jspecify.annotations.Nullable;

/**
 * Who may write a directory, as far as the cache is concerned: its owner, and group or
 * others where its permissions say so. Owners are compared with the user of this process
 * only on the default file system, where user names are the process's.
 */
final class DirectoryOwnership {

	private DirectoryOwnership() {
	}

	/**
	 * Returns whether group or others may write a directory.
	 * @param attributes its attributes
	 * @return whether it is writable by group or others
	 */
	static boolean sharedWrite(PosixFileAttributes attributes) {
		return attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
				|| attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE);
	}

	/**
	 * Returns the owner of a directory if it is another user than this process's (root
	 * excepted, which covers caches prebuilt into an image). Only on the default file
	 * system, where user names are the process's.
	 */
	static @Nullable String foreignOwner(Path directory, PosixFileAttributes attributes) {
		String user = user();
		if (directory.getFileSystem() != FileSystems.getDefault() || user.isEmpty() || user.equals("?")) {
			return null;
		}
		String owner = attributes.owner().getName();
		return (owner.equals(user) || owner.equals("root")) ? null : owner;
	}

	/**
	 * Returns whether this process's user owns a directory (on other file systems than
	 * the default one, any directory is taken for ours).
	 * @param directory the directory
	 * @param attributes its attributes
	 * @return whether it is ours
	 */
	static boolean isOurs(Path directory, PosixFileAttributes attributes) {
		return directory.getFileSystem() != FileSystems.getDefault() || attributes.owner().getName().equals(user());
	}

	/**
	 * Returns the user of this process.
	 * @return the name, empty if unknown
	 */
	static String user() {
		return System.getProperty("user.name", "");
	}

}
