package org.stableloss.dl4j;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs the tasks of one host-path call on the calling thread and, for large calls, on helper threads of one
 * process-wide pool, within ND4J's own thread budget.
 *
 * <p>A call uses at most {@code Nd4j.getEnvironment().maxThreads()} threads, the calling thread included (ND4J sets
 * that from {@code OMP_NUM_THREADS}, else the core count), and the pool holds at most that budget minus one daemon
 * threads for the whole JVM, so concurrent callers (ParallelWrapper workers, Spark tasks in one executor) share
 * them rather than multiply them. The calling thread always works through the tasks itself: when the helpers are
 * busy with another call, it simply does more of them; it never waits for a helper that has not started.
 */
final class HostThreads {

    /** Calls with fewer elements than this stay on the calling thread. */
    static final long PARALLEL_THRESHOLD = 1 << 16;
    /** Elements per task of a parallel call (whole rows, at least one). */
    static final long TASK_ELEMENTS = 1 << 14;

    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    private static volatile ThreadPoolExecutor pool;

    private HostThreads() {
    }

    /** The number of threads a call may use: ND4J's {@code maxThreads()}, at least 1. */
    static int budget() {
        return Math.max(1, Nd4j.getEnvironment().maxThreads());
    }

    /**
     * Runs {@code body} for each task index in [0, tasks), on up to {@link #budget()} threads; returns when all
     * have run. The first exception thrown by a task is rethrown after all tasks have finished.
     */
    static void run(int tasks, IntConsumer body) {
        int threads = Math.min(tasks, budget());
        if (threads <= 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(tasks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                try {
                    body.accept(t);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }
        };
        ThreadPoolExecutor helpers = pool(threads - 1);
        for (int h = 1; h < threads; h++) {
            helpers.execute(worker);
        }
        worker.run();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for LossSkipGram's helper threads", e);
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
    }

    /** The shared pool, grown to at least {@code helpers} threads. */
    private static ThreadPoolExecutor pool(int helpers) {
        ThreadPoolExecutor p = pool;
        if (p == null || p.getMaximumPoolSize() < helpers) {
            synchronized (HostThreads.class) {
                p = pool;
                if (p == null) {
                    p = new ThreadPoolExecutor(helpers, helpers, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                            r -> {
                                Thread t = new Thread(r, "LossSkipGram-host-" + THREAD_NUMBER.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
                    p.allowCoreThreadTimeOut(true);
                    pool = p;
                } else if (p.getMaximumPoolSize() < helpers) {
                    p.setMaximumPoolSize(helpers);
                    p.setCorePoolSize(helpers);
                }
            }
        }
        return p;
    }
}
