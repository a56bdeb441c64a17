package org.dftp.netty.cluster;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.Disposables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Background work of the cluster services (greetings, pushes, timers): each task is subscribed here and
 * forgotten when it ends, and {@link #close} cancels whatever is still running. Errors go to the given
 * handler (after close, to a debug line), never to Reactor's global "dropped error" hook.
 */
final class Tasks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Tasks.class);
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
                // Errors are handled inside the chain: one that arrives after close (a connection the
                // cancellation cut, answering late) would otherwise reach a disposed subscriber, which hands it
                // to Reactor's dropped-error hook, logged at ERROR.
                .onErrorResume(e -> {
                    if (running.isDisposed()) {
                        log.debug("After close: {}", e.toString());
                    } else {
                        onError.accept(e);
                    }
                    return Mono.empty();
                })
                .subscribe();
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
