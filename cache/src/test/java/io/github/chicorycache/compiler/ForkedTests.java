package io.github.chicorycache.compiler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.chicorycache.testsupport.Await;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link Forked}.
 */
class ForkedTests {

	@Test
	void workThatNoPoolThreadStartedIsDoneByTheCallerOnce() {
		List<Runnable> queued = new ArrayList<>();
		AtomicInteger runs = new AtomicInteger();
		Forked<Thread> forked = Forked.start(() -> {
			runs.incrementAndGet();
			return Thread.currentThread();
		}, queued::add);
		assertThat(forked.join()).isSameAs(Thread.currentThread());
		// a pool thread that gets to it later does nothing
		queued.forEach(Runnable::run);
		assertThat(runs).hasValue(1);
	}

	@Test
	void workOnItsOwnThreadRunsOnANewDaemonThreadOfThatName() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		Forked<Thread> forked = Forked.startOnOwnThread(() -> {
			started.countDown();
			return Thread.currentThread();
		}, "forked-tests");
		assertThat(started.await(1, TimeUnit.MINUTES)).isTrue();
		Thread thread = forked.join();
		assertThat(thread).isNotSameAs(Thread.currentThread());
		assertThat(thread.getName()).isEqualTo("forked-tests");
		assertThat(thread.isDaemon()).isTrue();
	}

	@Test
	void workWhoseThreadCannotBeMadeIsDoneByTheCaller() {
		// A thread refuses a null name, as a security manager or a lack of native threads
		// would refuse the thread: the caller does the work when it joins.
		Forked<Thread> forked = Forked.startOnOwnThread(Thread::currentThread, null);
		assertThat(forked.join()).isSameAs(Thread.currentThread());
	}

	@Test
	void workThatAPoolRejectsIsDoneByTheCaller() {
		Forked<String> forked = Forked.start(() -> "done", (task) -> {
			throw new RejectedExecutionException();
		});
		assertThat(forked.join()).isEqualTo("done");
	}

	@Test
	void theCallerWaitsForThePoolThreadThatStartedTheWorkAndKeepsItsInterrupt() throws Exception {
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			CountDownLatch started = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			Forked<Thread> forked = Forked.start(() -> {
				started.countDown();
				release.await();
				return Thread.currentThread();
			}, pool);
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			AtomicReference<Object> result = new AtomicReference<>();
			Thread caller = new Thread(() -> {
				Thread.currentThread().interrupt();
				Thread ran = forked.join();
				result.set((Thread.currentThread().isInterrupted() && ran != Thread.currentThread()) ? "ok" : ran);
			});
			caller.start();
			// It waits for the pool thread, not gives up on it or does the work again.
			Await.await("the caller to wait", 10_000, () -> caller.getState() == Thread.State.WAITING);
			assertThat(caller.isAlive()).isTrue();
			release.countDown();
			caller.join(10_000);
			assertThat(result).hasValue("ok");
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void theWorksFailureIsThrownAsItIs() {
		IllegalArgumentException runtime = new IllegalArgumentException("bad");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> Forked.start(() -> {
			throw runtime;
		}, Runnable::run).join()).isSameAs(runtime);
		LinkageError error = new VerifyError("bad");
		assertThatExceptionOfType(VerifyError.class).isThrownBy(() -> Forked.start(() -> {
			throw error;
		}, Runnable::run).join()).isSameAs(error);
		IOException checked = new IOException("bad");
		assertThatIllegalStateException().isThrownBy(() -> Forked.start(() -> {
			throw checked;
		}, (task) -> {
		}).join()).withCause(checked);
	}

	@Test
	void cancelledWorkIsNotStartedByAPoolThread() {
		List<Runnable> queued = new ArrayList<>();
		AtomicInteger runs = new AtomicInteger();
		Forked<Integer> forked = Forked.start(runs::incrementAndGet, queued::add);
		forked.cancel();
		queued.forEach(Runnable::run);
		assertThat(runs).hasValue(0);
	}

}
