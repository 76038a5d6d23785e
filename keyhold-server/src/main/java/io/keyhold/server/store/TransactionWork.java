package io.keyhold.server.store;

import io.keyhold.protocol.KmipException;

/** Work done inside one store transaction. */
@FunctionalInterface
public interface TransactionWork<X, T> {
    T run(X transaction) throws KmipException;
}
