package io.keyhold.server.store.sqlite;

import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.ValueKeys;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LocateQuery} as SQL. Each criterion is a subquery on the attribute_value indexes: positive
 * ones ({@code seq IN (SELECT seq FROM attribute_value WHERE name = ? AND ...)}) use (name, value_key) or
 * (name, value_num) and then look objects up by primary key; NoneOf is a {@code NOT EXISTS} on (seq, name).
 * Results come in storage order (seq).
 */
final class LocateSql {
    private final String text;
    private final List<Object> parameters;

    private LocateSql(String text, List<Object> parameters) {
        this.text = text;
        this.parameters = parameters;
    }

    static LocateSql select(LocateQuery q) {
        List<Object> params = new ArrayList<>();
        String where = where(q, params);
        params.add((long) q.limit());
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
        if (q.visibleTo() != null) {
            terms.add(visibility(q.visibleTo(), params));
        }
        if (q.storage().isEmpty()) {
            terms.add("0");
        } else if (q.storage().size() == 1) {
            terms.add("m.storage_status = " + (q.storage().contains(StorageStatus.ARCHIVED) ? 1 : 0));
        }
        for (LocateQuery.Criterion c : q.criteria()) {
            terms.add(term(c, params));
        }
        return terms.isEmpty() ? "1" : String.join(" AND ", terms);
    }

    /**
     * The objects a client may see, from indexes only: a union of its own objects (owner index), objects
     * granted by Unique Identifier (access_grant_grantee, then the uid index) and objects granted by Object
     * Group (access_grant_grantee joined to attribute_value_key), to its identity or to one of its groups;
     * the outer query then reads objects by primary key. Administrators see every client's object.
     */
    private static String visibility(LocateQuery.VisibleTo v, List<Object> params) {
        if (v.administrator()) {
            return "m.owner <> ''";
        }
        List<String> groups = v.groups().stream().sorted().toList();
        StringBuilder union = new StringBuilder("SELECT o.seq FROM managed_object o WHERE o.owner = ?");
        params.add(v.identity());
        for (int kind = 0; kind <= 1; kind++) {
            String fromTarget = kind == 0
                    ? " UNION SELECT o.seq FROM access_grant g JOIN managed_object o ON o.uid = g.target WHERE g.target_kind = 0"
                    : " UNION SELECT a.seq FROM access_grant g JOIN attribute_value a ON a.name = 'Object Group'"
                            + " AND a.value_key = g.group_key WHERE g.target_kind = 1";
            union.append(fromTarget).append(" AND g.grantee_kind = 0 AND g.grantee = ?");
            params.add(v.identity());
            if (!groups.isEmpty()) {
                union.append(fromTarget).append(" AND g.grantee_kind = 1 AND g.grantee IN (")
                        .append("?, ".repeat(groups.size() - 1)).append("?)");
                params.addAll(groups);
            }
        }
        return "m.seq IN (" + union + ") AND m.owner <> ''";
    }

    private static String term(LocateQuery.Criterion c, List<Object> params) {
        if (c instanceof LocateQuery.NoneOf n) {
            if (n.values().isEmpty()) {
                return "1";
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
                return "0";
            }
            condition = "a.value_key IN (" + keys(any.values(), params) + ")";
        } else if (c instanceof LocateQuery.Between b) {
            condition = "a.value_num BETWEEN ? AND ?";
            params.add(b.from());
            params.add(b.to());
        } else if (c instanceof LocateQuery.MaskContains m) {
            // only Integer values are masks; the value key starts with the type byte
            condition = "a.value_num IS NOT NULL AND substr(a.value_key, 1, 1) = x'"
                    + String.format("%02x", ItemType.INTEGER.code()) + "' AND (a.value_num & ?) = ?";
            params.add((long) m.bits());
            params.add((long) m.bits());
        } else {
            condition = "1"; // Present
        }
        return "m.seq IN (SELECT a.seq FROM attribute_value a WHERE a.name = ? AND " + condition + ")";
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
