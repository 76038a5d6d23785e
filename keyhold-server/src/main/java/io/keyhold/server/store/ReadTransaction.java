package io.keyhold.server.store;

import java.util.List;
import java.util.Optional;

/** A consistent view of the store. Valid only inside the {@link ObjectStore} call that provided it. */
public interface ReadTransaction {

    /** The object with this Unique Identifier, whatever its owner or state. */
    Optional<StoredObject> get(String uniqueIdentifier);

    /** Identifiers of the objects that match, in storage order, after offset and limit. */
    List<String> locate(LocateQuery query);

    /** How many objects match, ignoring offset and limit (Located Items). */
    long count(LocateQuery query);
}
