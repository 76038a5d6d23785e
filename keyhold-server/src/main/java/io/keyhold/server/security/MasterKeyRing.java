package io.keyhold.server.security;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every master key the store may meet, by id. Blobs wrapped by any of them can be opened; which one wraps
 * new blobs is recorded in the database, not here, so every process using the database agrees on it.
 * Asked for an id it does not know, the ring reads its source again once before failing: that is how a
 * running server finds the key a rotation in another process has just added.
 *
 * <p>A key's name is the part of its id before the last colon (the key store alias or the token label);
 * the first key is named {@code baseName}, later ones {@code baseName-2}, {@code baseName-3}, ...
 */
public final class MasterKeyRing {
    private final MasterKeySource source;
    private final String baseName;
    private volatile Map<String, MasterKey> keys;

    private MasterKeyRing(MasterKeySource source, String baseName, List<MasterKey> loaded) {
        this.source = source;
        this.baseName = baseName;
        this.keys = index(loaded);
    }

    /** Reads the keys of {@code source} named {@code baseName} or {@code baseName-<n>}. */
    public static MasterKeyRing open(MasterKeySource source, String baseName) throws MasterKeyException {
        Objects.requireNonNull(baseName, "baseName");
        return new MasterKeyRing(source, baseName, source.load(baseName));
    }

    /** A ring of one fixed key, for stores built in code; it cannot create keys. */
    public static MasterKeyRing of(MasterKey key) {
        String id = key.id();
        MasterKeySource fixed = new MasterKeySource() {
            @Override
            public String description() {
                return "the configured master key";
            }

            @Override
            public List<MasterKey> load(String baseName) {
                return List.of(key);
            }

            @Override
            public MasterKey create(String name) throws MasterKeyException {
                throw new MasterKeyException("the configured master key " + id + " is fixed: no key can be added");
            }
        };
        return new MasterKeyRing(fixed, name(id), List.of(key));
    }

    /** Whether the keys work inside this process, not in a token ({@link MasterKeySource#inProcess}). */
    public boolean inProcess() {
        return source.inProcess();
    }

    /** Where the keys come from, for messages. */
    public String description() {
        return source.description();
    }

    /** The ids of the keys known now, in the order the source lists them. */
    public List<String> ids() {
        return List.copyOf(keys.keySet());
    }

    /** The key with this id; reads the source again once if it is not known yet. */
    public MasterKey find(String id) throws MasterKeyException {
        MasterKey key = keys.get(id);
        if (key != null) {
            return key;
        }
        reload();
        key = keys.get(id);
        if (key == null) {
            throw new MasterKeyException("master key " + id + " is not in " + source.description() + " (known: "
                    + String.join(", ", keys.keySet()) + ")");
        }
        return key;
    }

    /** The key named {@code baseName}: the one a new database starts with. */
    public MasterKey initial() throws MasterKeyException {
        for (MasterKey k : keys.values()) {
            if (name(k.id()).equals(baseName)) {
                return k;
            }
        }
        throw new MasterKeyException("no master key " + baseName + " in " + source.description()
                + " (create it with keyhold master-key init)");
    }

    /** Whether the source holds no key of this ring yet. */
    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /**
     * Generates a new key in the source, named {@code baseName} if the ring is empty, else with the next free
     * number, and returns it; the database does not use it until it is recorded as current.
     */
    public synchronized MasterKey createNext() throws MasterKeyException {
        reload();
        String name = baseName;
        if (!keys.isEmpty()) {
            int n = 2;
            List<String> names = new ArrayList<>();
            keys.keySet().forEach(id -> names.add(name(id)));
            while (names.contains(baseName + "-" + n)) {
                n++;
            }
            name = baseName + "-" + n;
        }
        MasterKey created = source.create(name);
        reload();
        return created;
    }

    private synchronized void reload() throws MasterKeyException {
        keys = index(source.load(baseName));
    }

    /** The name part of a key id: its alias or label. */
    public static String name(String id) {
        int colon = id.lastIndexOf(':');
        return colon < 0 ? id : id.substring(0, colon);
    }

    private static Map<String, MasterKey> index(List<MasterKey> loaded) {
        Map<String, MasterKey> out = new LinkedHashMap<>();
        for (MasterKey k : loaded) {
            out.put(k.id(), k);
        }
        return Collections.unmodifiableMap(out);
    }
}
