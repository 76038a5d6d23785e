package io.keyhold.server.store.memory;

import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.ServerStateStoreContract;

class InMemoryServerStateStoreTest extends ServerStateStoreContract {
    @Override
    protected ObjectStore newStore() {
        return new InMemoryObjectStore();
    }
}
