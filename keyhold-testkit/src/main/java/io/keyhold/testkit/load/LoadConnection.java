package io.keyhold.testkit.load;

import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.Closeable;
import java.io.IOException;

/** One connection to the server under load: one request in flight at a time. */
public interface LoadConnection extends Closeable {
    /** Sends one encoded request and returns the decoded response. */
    TtlvItem call(byte[] request) throws IOException, CodecException;

    /** The negotiated TLS protocol, e.g. "TLSv1.3". */
    String protocol();

    /** The negotiated cipher suite. */
    String cipherSuite();

    @Override
    void close();

    /** Opens connections to one server. */
    @FunctionalInterface
    interface Connector {
        LoadConnection open() throws IOException;
    }
}
