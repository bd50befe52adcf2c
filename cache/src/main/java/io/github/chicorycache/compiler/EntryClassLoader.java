package io.github.chicorycache.compiler;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;

/**
 * Not API: the class loader of the classes of one cache entry. It defines them as
 * Chicory's own loader does after a compilation, each class defined and initialized, so
 * that the JVM verifies it now (a damaged class fails the load, which heals the entry,
 * instead of a later call), with Chicory's class loader as parent. Two things cost a
 * fresh JVM less: the names are those the entry records (Chicory's loader parses each
 * class to read its name), and the machine factory calls the machine's constructor
 * (Chicory's generates a proxy class for it).
 */
final class EntryClassLoader extends ClassLoader {

	/**
	 * The bytes of the classes not defined yet: a class's bytes are dropped once it is
	 * defined, since the loader lives as long as the module's code and the bytes would
	 * double its footprint.
	 */
	private final Map<String, byte[]> undefined;

	private EntryClassLoader(Map<String, byte[]> classes) {
		super(MachineFactoryCompiler.class.getClassLoader());
		this.undefined = new ConcurrentHashMap<>(classes);
	}

	/**
	 * Defines the classes of an entry and returns the factory of its machine class.
	 * @param mainClass the name of the machine class
	 * @param classes the class bytes by class name
	 * @return the machine factory, bound to no module
	 * @throws IllegalArgumentException if the main class is missing, or a class is not in
	 * its package
	 * @throws ClassCastException if the main class is no machine
	 * @throws IllegalStateException if machines cannot be made with the main class
	 * @throws LinkageError if the JVM refuses a class
	 */
	static Function<Instance, Machine> define(String mainClass, Map<String, byte[]> classes) {
		if (!classes.containsKey(mainClass)) {
			throw new IllegalArgumentException("Main class " + mainClass + " is missing");
		}
		// Chicory generates every class of a module in the main class's package: an
		// entry holding any other class (say, one named like a class of Chicory's) is
		// refused, which heals it, rather than let it stand in for that class.
		String mainPackage = packageOf(mainClass);
		for (String name : classes.keySet()) {
			if (!packageOf(name).equals(mainPackage)) {
				throw new IllegalArgumentException(
						"Class " + name + " is not in the package of the main class " + mainClass);
			}
		}
		EntryClassLoader loader = new EntryClassLoader(classes);
		try {
			// In the order Chicory defines them: the main class last.
			for (String name : classes.keySet()) {
				if (!name.equals(mainClass)) {
					Class.forName(name, true, loader);
				}
			}
			Class<? extends Machine> machine = Class.forName(mainClass, true, loader).asSubclass(Machine.class);
			int modifiers = machine.getModifiers();
			if (!Modifier.isPublic(modifiers) || Modifier.isAbstract(modifiers)) {
				// Refused now, which heals the entry, rather than at every instance.
				throw new IllegalStateException("Cannot make a " + mainClass + ": it is no public concrete class");
			}
			return new ConstructorFactory(machine.getConstructor(Instance.class));
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot load " + mainClass + ": " + ex, ex);
		}
	}

	private static String packageOf(String className) {
		int dot = className.lastIndexOf('.');
		return (dot < 0) ? "" : className.substring(0, dot);
	}

	/**
	 * Loads the entry's own classes from the entry first, so that a class of the same
	 * name elsewhere on the class path never stands in for one of them; every other class
	 * from the parent. Once defined, an entry's class is found as a loaded class.
	 */
	@Override
	protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
		byte[] bytes = this.undefined.get(name);
		if (bytes == null) {
			return super.loadClass(name, resolve);
		}
		synchronized (getClassLoadingLock(name)) {
			Class<?> loaded = findLoadedClass(name);
			if (loaded == null) {
				loaded = defineClass(name, bytes, 0, bytes.length);
				this.undefined.remove(name);
			}
			if (resolve) {
				resolveClass(loaded);
			}
			return loaded;
		}
	}

	/**
	 * Makes machines with the constructor of the machine class.
	 */
	private record ConstructorFactory(
			Constructor<? extends Machine> constructor) implements Function<Instance, Machine> {

		@Override
		public Machine apply(Instance instance) {
			try {
				return this.constructor.newInstance(instance);
			}
			catch (InvocationTargetException ex) {
				throw Causes.unwrapped(ex.getCause());
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException("Cannot make a " + this.constructor.getDeclaringClass().getName(), ex);
			}
		}

	}

}
