package io.keyhold.server.store.sql;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The creation_rule table (migration V6) for {@link SqlTransaction}: the Object Defaults of each Object
 * Type (kind 0, the attributes encoded as {@link RowCodec} encodes an object's) and the Constraints
 * structure (kind 1), each one TTLV value.
 */
final class CreationRuleSql {
    private static final int OBJECT_DEFAULTS = 0;
    private static final int CONSTRAINTS = 1;
    private static final TtlvEncoder ENCODER = new TtlvEncoder();
    private static final TtlvDecoder DECODER = new TtlvDecoder(1 << 24, 64);

    private CreationRuleSql() {
    }

    /** The one query of this table; read with {@link #objectDefaults} and {@link #constraints}. */
    static final String SELECT_VALUE = "SELECT value FROM creation_rule WHERE kind = ? AND object_type = ?";

    /** The Object Defaults of the type, read with {@code select}, a statement for {@link #SELECT_VALUE}. */
    static List<KmipAttribute> objectDefaults(PreparedStatement select, int objectType) throws SQLException {
        return value(select, OBJECT_DEFAULTS, objectType)
                .map(v -> RowCodec.decodeAttributes(v, "(Object Defaults)"))
                .orElse(List.of());
    }

    /** The Constraints structure, read with {@code select}, a statement for {@link #SELECT_VALUE}. */
    static Optional<TtlvItem> constraints(PreparedStatement select) throws SQLException {
        Optional<byte[]> v = value(select, CONSTRAINTS, 0);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(DECODER.decode(v.get()));
        } catch (CodecException e) {
            throw new StoreException("stored Constraints do not decode: " + e.getMessage());
        }
    }

    static void putObjectDefaults(Connection c, int objectType, List<KmipAttribute> attributes, long changedAt)
            throws SQLException {
        if (attributes.isEmpty()) {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM creation_rule WHERE kind = ? AND object_type = ?")) {
                p.setInt(1, OBJECT_DEFAULTS);
                p.setLong(2, objectType);
                p.executeUpdate();
            }
            return;
        }
        put(c, OBJECT_DEFAULTS, objectType, RowCodec.encodeAttributes(attributes), changedAt);
    }

    static void putConstraints(Connection c, TtlvItem constraints, long changedAt) throws SQLException {
        put(c, CONSTRAINTS, 0, ENCODER.encode(constraints), changedAt);
    }

    private static Optional<byte[]> value(PreparedStatement p, int kind, long objectType) throws SQLException {
        p.setInt(1, kind);
        p.setLong(2, objectType);
        try (ResultSet rs = p.executeQuery()) {
            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
        }
    }

    private static void put(Connection c, int kind, long objectType, byte[] value, long changedAt) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO creation_rule (kind, object_type, value, changed_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (kind, object_type) DO UPDATE SET value = excluded.value,"
                + " changed_at = excluded.changed_at")) {
            p.setInt(1, kind);
            p.setLong(2, objectType);
            p.setBytes(3, value);
            p.setLong(4, changedAt);
            p.executeUpdate();
        }
    }
}
