package io.keyhold.server.store.memory;

import io.keyhold.server.store.ApiTokenStoreContract;
import io.keyhold.server.store.ObjectStore;

class InMemoryApiTokenStoreTest extends ApiTokenStoreContract {
    @Override
    protected ObjectStore newStore() {
        return new InMemoryObjectStore();
    }
}
