package io.keyhold.testkit.conformance;

import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;

/** Sends one Request Message and returns the server's Response Message. */
public interface KmipConnection extends AutoCloseable {
    TtlvItem exchange(TtlvItem request) throws IOException, CodecException;

    @Override
    void close() throws IOException;
}
