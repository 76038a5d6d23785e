package io.keyhold.server.store.memory;

import io.keyhold.server.store.AccessStoreContract;
import io.keyhold.server.store.ObjectStore;

class InMemoryAccessStoreTest extends AccessStoreContract {
    @Override
    protected ObjectStore newStore() {
        return new InMemoryObjectStore();
    }
}
