package io.keyhold.server.store.memory;

import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.ObjectStoreContract;

class InMemoryObjectStoreTest extends ObjectStoreContract {
    @Override
    protected ObjectStore newStore() {
        return new InMemoryObjectStore();
    }
}
