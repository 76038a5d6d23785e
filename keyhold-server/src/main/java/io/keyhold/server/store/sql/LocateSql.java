package io.keyhold.server.store.sql;

import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.ValueKeys;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@link LocateQuery} as SQL, answered from indexes so that its cost follows the objects that match the
 * most selective criterion, not the size of the store. One positive criterion drives the query: {@code
 * seq IN (SELECT seq FROM attribute_value WHERE name = ? AND ...)} on (name, value_key) or (name,
 * value_num), then objects by primary key; it is the first Equals or AnyOf on an attribute with many
 * distinct values (Name, Unique Identifier, ...), else the first range, else the first other criterion.
 * The other positive criteria are {@code EXISTS} probes on (name, value_key, seq) or (seq, name) per
 * candidate, and NoneOf a {@code NOT EXISTS} on the same index. Results come in storage order (seq).
 */
final class LocateSql {
    /**
     * Attributes whose values many objects share (enumerations, flags, lengths): a poor place to start, as
     * every object of a type or state would be read.
     */
    private static final Set<String> FEW_VALUES = Set.of("Object Type", "State",
            "Cryptographic Algorithm", "Cryptographic Length", "Cryptographic Usage Mask", "Fresh", "Sensitive",
            "Extractable", "Always Sensitive", "Never Extractable", "Key Format Type", "Certificate Type",
            "Object Group Member", "Protection Storage Mask", "Quantum Safe");

    private final String text;
    private final List<Object> parameters;

    private LocateSql(String text, List<Object> parameters) {
        this.text = text;
        this.parameters = parameters;
    }

    static LocateSql select(LocateQuery q) {
        List<Object> params = new ArrayList<>();
        String where = where(q, params);
        params.add(q.limit() < 0 ? Long.MAX_VALUE : (long) q.limit()); // no limit: PostgreSQL refuses a negative one
        params.add((long) q.offset());
        return new LocateSql("SELECT m.uid FROM managed_object m WHERE " + where
                + " ORDER BY m.seq LIMIT ? OFFSET ?", params);
    }

    static LocateSql count(LocateQuery q) {
        List<Object> params = new ArrayList<>();
        String where = where(q, params);
        return new LocateSql("SELECT count(*) FROM managed_object m WHERE " + where, params);
    }

    String text() {
        return text;
    }

    void bind(PreparedStatement p) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            Object v = parameters.get(i);
            if (v instanceof byte[] b) {
                p.setBytes(i + 1, b);
            } else if (v instanceof Long l) {
                p.setLong(i + 1, l);
            } else {
                p.setString(i + 1, (String) v);
            }
        }
    }

    private static String where(LocateQuery q, List<Object> params) {
        List<String> terms = new ArrayList<>();
        if (q.owner() != null) {
            terms.add("m.owner = ?");
            params.add(q.owner());
        }
        LocateQuery.Criterion driver = driver(q.criteria());
        if (q.visibleTo() != null) {
            terms.add(visibility(q.visibleTo(), driver != null, params));
        }
        if (q.storage().isEmpty()) {
            terms.add("FALSE");
        } else if (q.storage().size() == 1) {
            terms.add("m.storage_status = " + (q.storage().contains(StorageStatus.ARCHIVED) ? 1 : 0));
        }
        for (LocateQuery.Criterion c : q.criteria()) {
            terms.add(term(c, c == driver, params));
        }
        return terms.isEmpty() ? "TRUE" : String.join(" AND ", terms);
    }

    /**
     * The objects a client may see: its own (owner index) and those granted to its identity or to one of its
     * groups, by Unique Identifier (access_grant_grantee, then the uid index) or by Object Group
     * (access_grant_grantee joined to attribute_value_key). When a criterion drives the query, its
     * candidates are checked one by one: the owner column, or membership in the set of granted objects,
     * so that the client's own objects are never all read to find a few of them. Without one, the union of
     * the owned and granted objects is the set the query reads. Administrators see every client's object.
     */
    private static String visibility(LocateQuery.VisibleTo v, boolean driven, List<Object> params) {
        if (v.administrator()) {
            return "m.owner <> ''";
        }
        List<String> groups = v.groups().stream().sorted().toList();
        params.add(v.identity());
        StringBuilder granted = new StringBuilder();
        for (int kind = 0; kind <= 1; kind++) {
            String fromTarget = kind == 0
                    ? "SELECT o.seq FROM access_grant g JOIN managed_object o ON o.uid = g.target WHERE g.target_kind = 0"
                    : "SELECT a.seq FROM access_grant g JOIN attribute_value a ON a.name = 'Object Group'"
                            + " AND a.value_key = g.group_key WHERE g.target_kind = 1";
            granted.append(" UNION ").append(fromTarget).append(" AND g.grantee_kind = 0 AND g.grantee = ?");
            params.add(v.identity());
            if (!groups.isEmpty()) {
                granted.append(" UNION ").append(fromTarget).append(" AND g.grantee_kind = 1 AND g.grantee IN (")
                        .append("?, ".repeat(groups.size() - 1)).append("?)");
                params.addAll(groups);
            }
        }
        if (driven) {
            return "(m.owner = ? OR m.seq IN (" + granted.substring(" UNION ".length()) + ")) AND m.owner <> ''";
        }
        return "m.seq IN (SELECT o.seq FROM managed_object o WHERE o.owner = ?" + granted + ") AND m.owner <> ''";
    }

    /**
     * The criterion whose matches the query starts from: the first Equals or AnyOf on an attribute that is
     * not one of the {@link #FEW_VALUES} kind, else the first Between, else the first positive criterion;
     * null when there is none (NoneOf only).
     */
    static LocateQuery.Criterion driver(List<LocateQuery.Criterion> criteria) {
        LocateQuery.Criterion best = null;
        int bestRank = Integer.MAX_VALUE;
        for (LocateQuery.Criterion c : criteria) {
            int rank = rank(c);
            if (rank < bestRank) {
                best = c;
                bestRank = rank;
            }
        }
        return best;
    }

    private static int rank(LocateQuery.Criterion c) {
        if (c instanceof LocateQuery.NoneOf) {
            return Integer.MAX_VALUE;
        }
        if (c instanceof LocateQuery.Equals || c instanceof LocateQuery.AnyOf) {
            return FEW_VALUES.contains(c.name()) ? 2 : 0;
        }
        if (c instanceof LocateQuery.Between) {
            return 1;
        }
        return 3;
    }

    private static String term(LocateQuery.Criterion c, boolean driver, List<Object> params) {
        if (c instanceof LocateQuery.NoneOf n) {
            if (n.values().isEmpty()) {
                return "TRUE";
            }
            params.add(n.name());
            String keys = keys(n.values(), params);
            return "NOT EXISTS (SELECT 1 FROM attribute_value a WHERE a.seq = m.seq AND a.name = ?"
                    + " AND a.value_key IN (" + keys + "))";
        }
        params.add(c.name());
        String condition;
        if (c instanceof LocateQuery.Equals e) {
            condition = "a.value_key = ?";
            params.add(ValueKeys.key(e.value()));
        } else if (c instanceof LocateQuery.AnyOf any) {
            if (any.values().isEmpty()) {
                params.remove(params.size() - 1);
                return "FALSE";
            }
            condition = "a.value_key IN (" + keys(any.values(), params) + ")";
        } else if (c instanceof LocateQuery.Between b) {
            condition = "a.value_num BETWEEN ? AND ?";
            params.add(b.from());
            params.add(b.to());
        } else if (c instanceof LocateQuery.MaskContains m) {
            // only Integer values are masks; the value key starts with the type byte
            condition = "a.value_num IS NOT NULL AND substr(a.value_key, 1, 1) = ? AND (a.value_num & ?) = ?";
            params.add(new byte[] {(byte) ItemType.INTEGER.code()});
            params.add((long) m.bits());
            params.add((long) m.bits());
        } else {
            condition = "TRUE"; // Present
        }
        return driver
                ? "m.seq IN (SELECT a.seq FROM attribute_value a WHERE a.name = ? AND " + condition + ")"
                : "EXISTS (SELECT 1 FROM attribute_value a WHERE a.seq = m.seq AND a.name = ? AND " + condition + ")";
    }

    private static String keys(List<TtlvItem> values, List<Object> params) {
        StringBuilder marks = new StringBuilder();
        for (TtlvItem v : values) {
            marks.append(marks.length() == 0 ? "?" : ", ?");
            params.add(ValueKeys.key(v));
        }
        return marks.toString();
    }
}
