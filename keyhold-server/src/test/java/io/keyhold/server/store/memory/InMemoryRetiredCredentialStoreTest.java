package io.keyhold.server.store.memory;

import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.RetiredCredentialStoreContract;

class InMemoryRetiredCredentialStoreTest extends RetiredCredentialStoreContract {
    @Override
    protected ObjectStore newStore() {
        return new InMemoryObjectStore();
    }

    @Override
    protected ObjectStore sameDatabase() {
        return null;
    }
}
