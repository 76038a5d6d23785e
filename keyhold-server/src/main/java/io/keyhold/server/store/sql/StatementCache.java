package io.keyhold.server.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The writer's prepared statements, kept for reuse on the connection it writes with, so that the
 * statements every group repeats (savepoints, audit rows) are parsed once rather than once per use.
 * Owned by the writer thread alone. Bound to one connection at a time: handed another one (PostgreSQL's
 * pool lends a new handle for each group), it closes what it held and prepares afresh; the JDBC driver's
 * own cache then makes that cheap.
 */
final class StatementCache {
    private Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    /** The statement for {@code sql} on {@code c}, prepared once; its parameters and batch are cleared. */
    PreparedStatement prepared(Connection c, String sql) throws SQLException {
        if (c != connection) {
            clear();
            connection = c;
        }
        PreparedStatement p = statements.get(sql);
        if (p == null) {
            p = c.prepareStatement(sql);
            statements.put(sql, p);
        } else {
            p.clearParameters();
            p.clearBatch(); // left over only when a batch failed
        }
        return p;
    }

    /** Runs {@code sql}, a statement without parameters or results (a savepoint). */
    void execute(Connection c, String sql) throws SQLException {
        prepared(c, sql).execute();
    }

    /** Closes every statement (the connection is being given up, or was lost). */
    void clear() {
        for (PreparedStatement p : statements.values()) {
            try {
                p.close();
            } catch (SQLException ignored) {
                // a statement of a lost connection: nothing more to release
            }
        }
        statements.clear();
        connection = null;
    }
}
