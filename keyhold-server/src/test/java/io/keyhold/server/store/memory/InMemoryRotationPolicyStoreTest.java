package io.keyhold.server.store.memory;

import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.RotationPolicyStoreContract;

class InMemoryRotationPolicyStoreTest extends RotationPolicyStoreContract {
    @Override
    protected ObjectStore newStore() {
        return new InMemoryObjectStore();
    }

    @Override
    protected ObjectStore sameDatabase() {
        return null;
    }
}
