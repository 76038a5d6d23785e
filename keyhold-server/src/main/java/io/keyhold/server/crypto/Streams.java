package io.keyhold.server.crypto;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.dispatch.ConnectionSession;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multi-part (streaming) cryptographic operations: Encrypt, Decrypt, Sign, Signature Verify and MAC
 * with Init Indicator, Final Indicator and Correlation Value. A stream lives on the connection that
 * started it (in its {@link ConnectionSession}) and ends with the Final Indicator, when the connection
 * closes, or when it has been idle too long; a connection holds at most {@link #MAX_STREAMS} at once and
 * a stream buffers at most {@link #MAX_BUFFERED_BYTES}.
 */
public final class Streams implements AutoCloseable {
    public static final int MAX_STREAMS = 16;
    public static final int MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
    public static final long MAX_IDLE_MILLIS = 5 * 60 * 1000;
    private static final String KEY = Streams.class.getName();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The state an operation keeps between the parts of one stream (a Cipher, a Signature, a Mac, …). */
    public interface State extends AutoCloseable {
        /** The Unique Identifier of the key the stream was started with. */
        String uniqueIdentifier();

        /** Bytes held in memory for the stream (for operations that must buffer), for the limit. */
        default long bufferedBytes() {
            return 0;
        }

        @Override
        default void close() {
        }
    }

    private record Entry(String operation, State state, long touched) {}

    private final Map<String, Entry> streams = new LinkedHashMap<>();

    /** The streams of a connection. */
    public static Streams of(ConnectionSession session) {
        return (Streams) session.values().computeIfAbsent(KEY, k -> new Streams());
    }

    /**
     * Starts a stream for the operation (e.g. "Encrypt") and returns its new Correlation Value.
     *
     * @throws KmipException when the connection already holds {@link #MAX_STREAMS} streams
     */
    public synchronized byte[] start(String operation, State state) throws KmipException {
        expire(System.currentTimeMillis());
        if (streams.size() >= MAX_STREAMS) {
            state.close();
            throw new KmipException(ResultReason.GENERAL_FAILURE, "this connection already has " + MAX_STREAMS
                    + " streams in progress; finish one with Final Indicator first");
        }
        byte[] correlation = new byte[16];
        RANDOM.nextBytes(correlation);
        streams.put(HexFormat.of().formatHex(correlation), new Entry(operation, state, System.currentTimeMillis()));
        return correlation;
    }

    /**
     * The state of the stream with this Correlation Value for the operation.
     *
     * @throws KmipException Invalid Correlation Value when there is none (unknown, expired, finished, or
     *                       started by another operation or connection)
     */
    public synchronized <S extends State> S resume(String operation, byte[] correlation, Class<S> type) throws KmipException {
        long now = System.currentTimeMillis();
        expire(now);
        String k = HexFormat.of().formatHex(correlation);
        Entry e = streams.get(k);
        if (e == null || !e.operation().equals(operation) || !type.isInstance(e.state())) {
            throw new KmipException(ResultReason.INVALID_CORRELATION_VALUE, "no " + operation
                    + " stream with this Correlation Value on this connection");
        }
        if (e.state().bufferedBytes() > MAX_BUFFERED_BYTES) {
            finish(correlation);
            throw new KmipException(ResultReason.GENERAL_FAILURE, "the stream buffered more than " + MAX_BUFFERED_BYTES
                    + " bytes and was ended");
        }
        streams.put(k, new Entry(e.operation(), e.state(), now));
        return type.cast(e.state());
    }

    /** Ends the stream (after its Final Indicator or a failure) and releases its state. */
    public synchronized void finish(byte[] correlation) {
        Entry e = streams.remove(HexFormat.of().formatHex(correlation));
        if (e != null) {
            e.state().close();
        }
    }

    private void expire(long now) {
        for (Iterator<Entry> it = streams.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (now - e.touched() > MAX_IDLE_MILLIS) {
                e.state().close();
                it.remove();
            }
        }
    }

    @Override
    public synchronized void close() {
        streams.values().forEach(e -> e.state().close());
        streams.clear();
    }
}
