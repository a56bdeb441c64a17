package org.dftp.netty.cluster;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * Background work of the cluster services (greetings, pushes, timers): each task is subscribed here and
 * forgotten when it ends, and {@link #close} cancels whatever is still running. Errors go to the given
 * handler, never to Reactor's global "dropped error" hook.
 */
final class Tasks implements AutoCloseable {
    private final Disposable.Composite running = Disposables.composite();

    /** Runs {@code work}; {@code onError} is told if it fails. Ignored once closed. */
    void run(Mono<?> work, Consumer<Throwable> onError) {
        if (running.isDisposed()) {
            return;
        }
        AtomicReference<Disposable> self = new AtomicReference<>();
        Disposable d = work
                .doFinally(signal -> {
                    Disposable x = self.get();
                    if (x != null) {
                        running.remove(x);
                    }
                })
                .subscribe(x -> { }, onError);
        self.set(d);
        if (!running.add(d)) {
            d.dispose(); // closed meanwhile
        } else if (d.isDisposed()) {
            running.remove(d); // already over before it was added
        }
    }

    boolean isClosed() {
        return running.isDisposed();
    }

    /** Tasks still running. */
    int size() {
        return running.size();
    }

    @Override
    public void close() {
        running.dispose();
    }
}
